// Runs the event stream while someone is signed in, feeding the cache through the table in
// live-updates.ts, and the stats samples to the charts.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { liveStats } from '../features/metrics/live-stats.ts';
import { EventsSocket } from '../lib/events-socket.ts';
import { applyEvent, resyncCache } from './live-updates.ts';

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const socket = new EventsSocket({
      onEvent: (e) => applyEvent(qc, e),
      onResync: (_reason, since) => resyncCache(qc, since),
      // Samples feed the charts' store, not the query cache (features/metrics/live-stats.ts).
      onStats: (m) => liveStats.push(m),
    });
    socket.start();
    return () => {
      socket.stop();
      liveStats.clear();
    };
  }, [qc]);
}
