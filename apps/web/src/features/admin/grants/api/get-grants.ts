import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Grant } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const getGrants = (signal?: AbortSignal): Promise<Grant[]> =>
  api('listGrants', {}, { signal }).then((r) => r.items);

export const grantsQueryOptions = () => queryOptions({
  queryKey: adminKeys.grants(),
  queryFn: ({ signal }) => getGrants(signal),
  staleTime: 10_000,
});

export const useGrants = (enabled = true) => useQuery({ ...grantsQueryOptions(), enabled });
