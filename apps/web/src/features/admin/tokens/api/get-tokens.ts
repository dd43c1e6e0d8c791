import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ApiToken } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const getTokens = (signal?: AbortSignal): Promise<ApiToken[]> =>
  api('listTokens', {}, { signal }).then((r) => r.items);

export const tokensQueryOptions = () => queryOptions({
  queryKey: adminKeys.tokens(),
  queryFn: ({ signal }) => getTokens(signal),
  staleTime: 10_000,
});

export const useTokens = () => useQuery(tokensQueryOptions());
