import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { HostMetrics, MetricsRange } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { metricsKeys, refetchEvery } from './metrics-keys.ts';

export const getHostMetrics = (hostId: string, range: MetricsRange, signal?: AbortSignal): Promise<HostMetrics> =>
  api('getHostMetrics', { params: { hostId }, query: { range } }, { signal });

export const hostMetricsQueryOptions = (hostId: string, range: MetricsRange) => queryOptions({
  queryKey: metricsKeys.host(hostId, range),
  queryFn: ({ signal }) => getHostMetrics(hostId, range, signal),
  refetchInterval: refetchEvery(range),
  placeholderData: keepPreviousData,
});

export const useHostMetrics = (hostId: string, range: MetricsRange) => useQuery(hostMetricsQueryOptions(hostId, range));
