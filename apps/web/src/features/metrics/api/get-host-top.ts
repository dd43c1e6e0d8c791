import { useEffect, useRef } from 'react';
import { keepPreviousData, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { HostTop, TopBy } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { useLiveHostStats } from '../live-stats.ts';
import { metricsKeys } from './metrics-keys.ts';

export const TOP_LIMIT = 10;

export const getHostTop = (hostId: string, by: TopBy, signal?: AbortSignal): Promise<HostTop> =>
  api('getHostTop', { params: { hostId }, query: { by, limit: TOP_LIMIT } }, { signal });

export const hostTopQueryOptions = (hostId: string, by: TopBy) => queryOptions({
  queryKey: metricsKeys.top(hostId, by),
  queryFn: ({ signal }) => getHostTop(hostId, by, signal),
  // Live, the host's own samples say when to ask again (useHostTop); a timer only while the
  // events socket is down.
  refetchInterval: pollWhenOffline(5_000),
  placeholderData: keepPreviousData,
});

/**
 * The host's top consumers, asked for again each time the events socket brings the host's next
 * sample: the server answers from its latest sample, so the table changes exactly when there is
 * something new — no sooner (no wasted requests) and no later (no 5 s lag behind the charts).
 */
export function useHostTop(hostId: string, by: TopBy) {
  const query = useQuery(hostTopQueryOptions(hostId, by));
  const samples = useLiveHostStats(hostId);
  const latest = samples[samples.length - 1]?.t;
  // The sample already there when the table mounted is what its first fetch answers from.
  const seen = useRef(latest);
  const qc = useQueryClient();
  useEffect(() => {
    if (latest === undefined || latest === seen.current) return;
    seen.current = latest;
    void qc.invalidateQueries({ queryKey: metricsKeys.top(hostId, by), exact: true });
  }, [latest, hostId, by, qc]);
  return query;
}
