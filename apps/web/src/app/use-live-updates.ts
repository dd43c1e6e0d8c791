// Runs the event stream while someone is signed in, feeding the cache through the table in
// live-updates.ts.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { EventsSocket } from '../lib/events-socket.ts';
import { applyEvent, resyncCache } from './live-updates.ts';

export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const socket = new EventsSocket({
      onEvent: (e) => applyEvent(qc, e),
      onResync: (_reason, since) => resyncCache(qc, since),
    });
    socket.start();
    return () => socket.stop();
  }, [qc]);
}
