// Whether the event stream is connected. Queries poll (and refetch on focus) only while it is
// not: with the stream live, changes arrive as events and polling would be waste.
import { useSyncExternalStore } from 'react';

export type LiveStatus = 'connecting' | 'live' | 'offline';

let status: LiveStatus = 'connecting';
const listeners = new Set<() => void>();

export const liveStatus = {
  get: (): LiveStatus => status,
  set(next: LiveStatus): void {
    if (next === status) return;
    status = next;
    for (const l of listeners) l();
  },
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(liveStatus.subscribe, liveStatus.get, liveStatus.get);
}

/** For `refetchInterval`: poll every `ms` while the event stream is down, never while it is live. */
export const pollWhenOffline = (ms: number) => (): number | false => (status === 'live' ? false : ms);
