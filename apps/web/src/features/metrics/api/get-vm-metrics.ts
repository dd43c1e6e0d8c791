import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { MetricsRange, VmMetrics } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { metricsKeys, refetchEvery } from './metrics-keys.ts';

export const getVmMetrics = (vmId: string, range: MetricsRange, signal?: AbortSignal): Promise<VmMetrics> =>
  api('getVmMetrics', { params: { vmId }, query: { range } }, { signal });

export const vmMetricsQueryOptions = (vmId: string, range: MetricsRange) => queryOptions({
  queryKey: metricsKeys.vm(vmId, range),
  queryFn: ({ signal }) => getVmMetrics(vmId, range, signal),
  refetchInterval: refetchEvery(range),
  // Switching ranges keeps the old chart up until the new answer lands (no flash of nothing).
  placeholderData: keepPreviousData,
});

export const useVmMetrics = (vmId: string, range: MetricsRange) => useQuery(vmMetricsQueryOptions(vmId, range));
