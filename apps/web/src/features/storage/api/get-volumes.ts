import { queryOptions, useQuery } from '@tanstack/react-query';
import type { StorageVolume } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export const getVolumes = (hostId: string, pool: string, signal?: AbortSignal): Promise<StorageVolume[]> =>
  api('listVolumes', { params: { pool }, query: { hostId } }, { signal }).then((r) => r.items);

export const volumesQueryOptions = (hostId: string, pool: string) => queryOptions({
  queryKey: storageKeys.volumes(hostId, pool),
  queryFn: ({ signal }) => getVolumes(hostId, pool, signal),
  refetchInterval: 30_000,
});

export const useVolumes = (hostId: string, pool: string) => useQuery(volumesQueryOptions(hostId, pool));
