// The host's latest CPU and memory reading: the newest point of its last-hour metrics.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { HostMetricsPoint } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { hostKeys } from './host-keys.ts';

export const getHostLoad = (hostId: string, signal?: AbortSignal): Promise<HostMetricsPoint | null> =>
  api('getHostMetrics', { params: { hostId }, query: { range: 'hour' } }, { signal }).then((m) => m.points.at(-1) ?? null);

export const hostLoadQueryOptions = (hostId: string) => queryOptions({
  queryKey: hostKeys.load(hostId),
  queryFn: ({ signal }) => getHostLoad(hostId, signal),
  refetchInterval: 30_000,
});

export const useHostLoad = (hostId: string) => useQuery(hostLoadQueryOptions(hostId));
