import { queryOptions, useQuery } from '@tanstack/react-query';
import type { NetworkDetail } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export const getNetwork = (hostId: string, name: string, signal?: AbortSignal): Promise<NetworkDetail> =>
  api('getNetwork', { params: { name }, query: { hostId } }, { signal });

export const networkQueryOptions = (hostId: string, name: string) => queryOptions({
  queryKey: networkKeys.detail(hostId, name),
  queryFn: ({ signal }) => getNetwork(hostId, name, signal),
  refetchInterval: 30_000,
});

export const useNetwork = (hostId: string, name: string) => useQuery(networkQueryOptions(hostId, name));
