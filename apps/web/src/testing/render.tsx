import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { Me } from '@ferry/contract';
import { authKeys } from '../features/auth/api/auth-keys.ts';

/** A client for one test; with `me`, /auth/me is already answered (as after signing in). */
export function testQueryClient(me?: Me): QueryClient {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  if (me) qc.setQueryData(authKeys.me(), me);
  return qc;
}

export function renderWithClient(ui: ReactElement, qc: QueryClient = testQueryClient()) {
  return { qc, ...render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>) };
}
