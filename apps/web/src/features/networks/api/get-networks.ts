import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Network } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export const getNetworks = (hostId: string, signal?: AbortSignal): Promise<Network[]> =>
  api('listNetworks', { query: { hostId } }, { signal }).then((r) => r.items);

export const networksQueryOptions = (hostId: string) => queryOptions({
  queryKey: networkKeys.list(hostId),
  queryFn: ({ signal }) => getNetworks(hostId, signal),
  // Networks have no events yet: refresh now and then even while the stream is live.
  refetchInterval: 30_000,
});

export const useNetworks = (hostId: string, enabled = true) => useQuery({ ...networksQueryOptions(hostId), enabled });
