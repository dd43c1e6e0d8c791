import { queryOptions, useQuery } from '@tanstack/react-query';
import type { StoragePool } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export const getPools = (hostId: string, signal?: AbortSignal): Promise<StoragePool[]> =>
  api('listPools', { query: { hostId } }, { signal }).then((r) => r.items);

export const poolsQueryOptions = (hostId: string) => queryOptions({
  queryKey: storageKeys.pools(hostId),
  queryFn: ({ signal }) => getPools(hostId, signal),
  // Pools have no events yet: refresh now and then even while the stream is live.
  refetchInterval: 30_000,
});

export const usePools = (hostId: string, enabled = true) => useQuery({ ...poolsQueryOptions(hostId), enabled });
