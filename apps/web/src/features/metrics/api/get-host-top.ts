import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { HostTop, TopBy } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { metricsKeys } from './metrics-keys.ts';

export const TOP_LIMIT = 10;

export const getHostTop = (hostId: string, by: TopBy, signal?: AbortSignal): Promise<HostTop> =>
  api('getHostTop', { params: { hostId }, query: { by, limit: TOP_LIMIT } }, { signal });

export const hostTopQueryOptions = (hostId: string, by: TopBy) => queryOptions({
  queryKey: metricsKeys.top(hostId, by),
  queryFn: ({ signal }) => getHostTop(hostId, by, signal),
  // The server answers from its latest sample, which changes every few seconds.
  refetchInterval: 5_000,
  placeholderData: keepPreviousData,
});

export const useHostTop = (hostId: string, by: TopBy) => useQuery(hostTopQueryOptions(hostId, by));
