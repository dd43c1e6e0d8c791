// The live samples of the events socket's `stats` messages, kept per VM and per host for the
// last few minutes so a chart opened now already has a line to draw.
//
// Model: the one EventsSocket hands every stats message to `liveStats.push` (use-live-updates.ts).
// Each VM and host has its own array of points, replaced (never mutated) when a sample arrives,
// and its own listeners: a chart subscribes to one key through useSyncExternalStore and is the
// only thing that re-renders per message — not the page around it. Stats are samples, not
// events: nothing is replayed after a reconnect, so a gap in the line means missed samples.
import { useSyncExternalStore } from 'react';
import type { HostSample, StatsMessage, VmSample } from '@ferry/contract';

export interface LivePoint<S> {
  /** Epoch ms of the sample. */
  t: number;
  s: S;
}

/** Points kept per key: five minutes at the server's default 2 s interval. */
export const LIVE_POINTS = 150;
const EMPTY: readonly never[] = Object.freeze([]);

type Key = `vm:${string}` | `host:${string}`;

class LiveStatsStore {
  private series = new Map<Key, readonly LivePoint<VmSample | HostSample>[]>();
  private listeners = new Map<Key, Set<() => void>>();
  /** The latest message's sampling interval (s), for gap detection. */
  intervalS = 2;

  push(m: StatsMessage): void {
    const t = Date.parse(m.at);
    if (!Number.isFinite(t)) return;
    this.intervalS = m.intervalS;
    if (m.host) this.append(`host:${m.hostId}`, { t, s: m.host });
    for (const v of m.vms) this.append(`vm:${v.vmId}`, { t, s: v });
  }

  private append(key: Key, p: LivePoint<VmSample | HostSample>): void {
    const old = this.series.get(key) ?? EMPTY;
    const last = old[old.length - 1];
    if (last && last.t >= p.t) return; // a duplicate or a late sample
    const next = old.length >= LIVE_POINTS ? [...old.slice(old.length - LIVE_POINTS + 1), p] : [...old, p];
    this.series.set(key, next);
    for (const l of this.listeners.get(key) ?? []) l();
  }

  get(key: Key): readonly LivePoint<VmSample | HostSample>[] {
    return this.series.get(key) ?? EMPTY;
  }

  subscribe(key: Key, listener: () => void): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  /** Forgets everything (signing out: the next user may not see these VMs). */
  clear(): void {
    const keys = [...this.series.keys()];
    this.series.clear();
    for (const k of keys) for (const l of this.listeners.get(k) ?? []) l();
  }
}

export const liveStats = new LiveStatsStore();

function useLive<S>(key: Key): readonly LivePoint<S>[] {
  const get = () => liveStats.get(key) as readonly LivePoint<S>[];
  return useSyncExternalStore((l) => liveStats.subscribe(key, l), get, get);
}

export const useLiveVmStats = (vmId: string) => useLive<VmSample>(`vm:${vmId}`);
export const useLiveHostStats = (hostId: string) => useLive<HostSample>(`host:${hostId}`);
