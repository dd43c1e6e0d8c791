import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Host } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { hostKeys } from './host-keys.ts';

export const getHosts = (signal?: AbortSignal): Promise<Host[]> =>
  api('listHosts', {}, { signal }).then((r) => r.items);

export const hostsQueryOptions = () => queryOptions({
  queryKey: hostKeys.list(),
  queryFn: ({ signal }) => getHosts(signal),
  refetchInterval: pollWhenOffline(10_000),
});

export const useHosts = () => useQuery(hostsQueryOptions());
