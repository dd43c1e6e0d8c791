import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import type { StatsMessage, VmSample } from '@ferry/contract';
import { LIVE_POINTS, liveStats, useLiveHostStats, useLiveVmStats } from './live-stats.ts';

const VM_A = '00000000-0000-4000-8000-00000000000a';
const VM_B = '00000000-0000-4000-8000-00000000000b';

const sample = (vmId: string, cpuPct: number): VmSample => ({
  vmId, cpuPct, memUsedMiB: 100, memAvailableMiB: 200, diskReadBps: 0, diskWriteBps: 0, diskReadIops: 0, diskWriteIops: 0, netRxBps: 0, netTxBps: 0,
});
const stats = (sec: number, vms: VmSample[]): StatsMessage => ({
  type: 'stats', hostId: 'local', at: new Date(Date.UTC(2026, 0, 1, 0, 0, sec)).toISOString(), intervalS: 2,
  host: { cpuPct: sec, memUsedMiB: 1000, memTotalMiB: 4000 }, vms,
});

afterEach(() => liveStats.clear());

describe('the live stats store', () => {
  it('keeps each VM and host its own series, in order, without duplicates', () => {
    liveStats.push(stats(0, [sample(VM_A, 1), sample(VM_B, 50)]));
    liveStats.push(stats(2, [sample(VM_A, 2)]));
    liveStats.push(stats(2, [sample(VM_A, 99)])); // the same instant again: ignored
    const { result: a } = renderHook(() => useLiveVmStats(VM_A));
    const { result: b } = renderHook(() => useLiveVmStats(VM_B));
    const { result: h } = renderHook(() => useLiveHostStats('local'));
    expect(a.current.map((p) => p.s.cpuPct)).toEqual([1, 2]);
    expect(b.current.map((p) => p.s.cpuPct)).toEqual([50]);
    expect(h.current.map((p) => p.s.cpuPct)).toEqual([0, 2]);
  });

  it('re-renders only the subscribers of a VM that got a sample', () => {
    const renders = { a: 0, b: 0 };
    renderHook(() => { renders.a++; return useLiveVmStats(VM_A); });
    renderHook(() => { renders.b++; return useLiveVmStats(VM_B); });
    const before = { ...renders };
    act(() => liveStats.push(stats(4, [sample(VM_A, 3)])));
    expect(renders.a).toBe(before.a + 1);
    expect(renders.b).toBe(before.b);
  });

  it('keeps the newest LIVE_POINTS samples and forgets all on clear', () => {
    for (let i = 0; i < LIVE_POINTS + 10; i++) liveStats.push(stats(i, [sample(VM_A, i)]));
    const { result } = renderHook(() => useLiveVmStats(VM_A));
    expect(result.current).toHaveLength(LIVE_POINTS);
    expect(result.current.at(-1)!.s.cpuPct).toBe(LIVE_POINTS + 9);
    const listener = vi.fn();
    const off = liveStats.subscribe(`vm:${VM_A}`, listener);
    act(() => liveStats.clear());
    expect(listener).toHaveBeenCalled();
    expect(result.current).toHaveLength(0);
    off();
  });
});
