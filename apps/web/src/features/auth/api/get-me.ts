import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Me } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { authKeys } from './auth-keys.ts';

export const getMe = (signal?: AbortSignal): Promise<Me> => api('me', {}, { signal });

export const meQueryOptions = () => queryOptions({
  queryKey: authKeys.me(),
  queryFn: ({ signal }) => getMe(signal),
  retry: false,
  staleTime: 5 * 60_000,
});

export const useMe = (enabled = true) => useQuery({ ...meQueryOptions(), enabled });
