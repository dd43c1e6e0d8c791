// Rates from consecutive libvirt samples — pure functions, no I/O.
//
// libvirt reports cumulative counters (CPU time in ns, disk and network bytes and requests
// since the guest started); a rate is the change between two samples over the wall time
// between them. The cases that make this more than a subtraction:
// - a counter that went *down* means it was reset (the guest restarted between the samples):
//   as Prometheus' rate() does, the new value is taken as the increase since the reset, so a
//   rate is never negative;
// - a disk or NIC hot-plugged or removed changes the sum of all devices without any traffic:
//   when the set of device names changes, that group's rates are 0 for one interval and the
//   new sums become the baseline;
// - a VM seen for the first time has no baseline: it gets no sample until the next interval;
// - memory comes from the guest's balloon driver and only when the guest reports it
//   (virtio-balloon with a stats period): otherwise it is null, never a guess.
import type { HostSample, VmSample } from '@ferry/contract';
import type { TypedParams } from '@ferry/libvirt';

/** The counters of one VM at one sample, read from its getAllDomainStats record. */
export interface VmCounters {
  /** cpu.time, ns; null when not reported (CPU_TOTAL group absent). */
  cpuNs: number | null;
  vcpus: number | null;
  /** Names of the block devices, joined: a change means a disk was added or removed. */
  blockKey: string;
  rdBytes: number;
  wrBytes: number;
  rdReqs: number;
  wrReqs: number;
  netKey: string;
  rxBytes: number;
  txBytes: number;
  memUsedMiB: number | null;
  memAvailableMiB: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const KIB_PER_MIB = 1024;
/**
 * Rates and sizes are rounded (percentages and MiB to a hundredth, bytes/s to whole bytes): the
 * stats message for 1,000 VMs goes to every client every 2 s, and 15 significant digits of
 * noise made it a third larger.
 */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Memory as the guest sees it. `balloon.available` is the guest's total (MemTotal),
 * `balloon.usable` what it can still use without swapping (MemAvailable), `balloon.unused` its
 * free memory (MemFree); `balloon.current` the memory the balloon leaves it. Used is total −
 * usable, falling back to current − unused for guests too old to report usable.
 */
export function guestMemory(s: TypedParams): { usedMiB: number; availableMiB: number } | null {
  const free = num(s['balloon.usable']) ?? num(s['balloon.unused']);
  const total = num(s['balloon.available']) ?? num(s['balloon.current']);
  if (free === null || total === null) return null;
  return { usedMiB: round2(Math.max(0, total - free) / KIB_PER_MIB), availableMiB: round2(free / KIB_PER_MIB) };
}

export function readCounters(s: TypedParams): VmCounters {
  const c: VmCounters = {
    cpuNs: num(s['cpu.time']),
    vcpus: num(s['vcpu.current']),
    blockKey: '', rdBytes: 0, wrBytes: 0, rdReqs: 0, wrReqs: 0,
    netKey: '', rxBytes: 0, txBytes: 0,
    memUsedMiB: null, memAvailableMiB: null,
  };
  const blocks = num(s['block.count']) ?? 0;
  for (let i = 0; i < blocks; i++) {
    c.blockKey += `${String(s[`block.${i}.name`] ?? i)}\u0000`;
    c.rdBytes += num(s[`block.${i}.rd.bytes`]) ?? 0;
    c.wrBytes += num(s[`block.${i}.wr.bytes`]) ?? 0;
    c.rdReqs += num(s[`block.${i}.rd.reqs`]) ?? 0;
    c.wrReqs += num(s[`block.${i}.wr.reqs`]) ?? 0;
  }
  const nets = num(s['net.count']) ?? 0;
  for (let i = 0; i < nets; i++) {
    c.netKey += `${String(s[`net.${i}.name`] ?? i)}\u0000`;
    c.rxBytes += num(s[`net.${i}.rx.bytes`]) ?? 0;
    c.txBytes += num(s[`net.${i}.tx.bytes`]) ?? 0;
  }
  const mem = guestMemory(s);
  if (mem) {
    c.memUsedMiB = mem.usedMiB;
    c.memAvailableMiB = mem.availableMiB;
  }
  return c;
}

/** Increase of a cumulative counter; a drop is a reset, and the new value is the increase since. */
export const increase = (cur: number, prev: number): number => (cur >= prev ? cur - prev : cur);

const perS = (cur: number, prev: number, dtS: number): number => Math.round(increase(cur, prev) / dtS);
const opsPerS = (cur: number, prev: number, dtS: number): number => round2(increase(cur, prev) / dtS);

/**
 * One VM's rates over `dtS` seconds. CPU % is of one host CPU (200 = two busy CPUs), capped at
 * 100 × vCPUs: jitter in when libvirt read the counter must not show a 2-vCPU guest at 230 %.
 */
export function deriveVm(vmId: string, prev: VmCounters, cur: VmCounters, dtS: number): VmSample {
  let cpuPct = 0;
  if (cur.cpuNs !== null && prev.cpuNs !== null && dtS > 0) {
    cpuPct = (increase(cur.cpuNs, prev.cpuNs) / 1e9 / dtS) * 100;
    if (cur.vcpus !== null) cpuPct = Math.min(cpuPct, cur.vcpus * 100);
  }
  const disk = dtS > 0 && cur.blockKey === prev.blockKey;
  const net = dtS > 0 && cur.netKey === prev.netKey;
  return {
    vmId,
    cpuPct: round2(cpuPct),
    memUsedMiB: cur.memUsedMiB,
    memAvailableMiB: cur.memAvailableMiB,
    diskReadBps: disk ? perS(cur.rdBytes, prev.rdBytes, dtS) : 0,
    diskWriteBps: disk ? perS(cur.wrBytes, prev.wrBytes, dtS) : 0,
    diskReadIops: disk ? opsPerS(cur.rdReqs, prev.rdReqs, dtS) : 0,
    diskWriteIops: disk ? opsPerS(cur.wrReqs, prev.wrReqs, dtS) : 0,
    netRxBps: net ? perS(cur.rxBytes, prev.rxBytes, dtS) : 0,
    netTxBps: net ? perS(cur.txBytes, prev.txBytes, dtS) : 0,
  };
}

/**
 * Host CPU busy % (of all CPUs) between two virNodeGetCPUStats readings: 100 − the idle and
 * iowait share of all time. A driver that reports `utilization` directly is taken at its word.
 */
export function hostCpuPct(prev: Record<string, number>, cur: Record<string, number>): number | null {
  if (typeof cur.utilization === 'number') return round2(cur.utilization);
  let total = 0;
  for (const [field, v] of Object.entries(cur)) total += increase(v, prev[field] ?? 0);
  if (total <= 0) return 0; // a driver that reports constant times (the test driver): idle
  const idle = increase(cur.idle ?? 0, prev.idle ?? 0) + increase(cur.iowait ?? 0, prev.iowait ?? 0);
  return round2(Math.min(100, Math.max(0, ((total - idle) / total) * 100)));
}

/** Host memory from virNodeGetMemoryStats (KiB): used excludes buffers and page cache, as `free` does. */
export function hostMemory(m: Record<string, number>): { usedMiB: number; totalMiB: number } | null {
  if (typeof m.total !== 'number' || typeof m.free !== 'number') return null;
  const used = m.total - m.free - (m.buffers ?? 0) - (m.cached ?? 0);
  return { usedMiB: round2(Math.max(0, used) / KIB_PER_MIB), totalMiB: round2(m.total / KIB_PER_MIB) };
}

export function hostSample(cpuPct: number | null, mem: { usedMiB: number; totalMiB: number } | null): HostSample | null {
  return cpuPct === null || mem === null ? null : { cpuPct, memUsedMiB: mem.usedMiB, memTotalMiB: mem.totalMiB };
}
