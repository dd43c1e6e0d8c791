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
//
// The counters come packed (@ferry/libvirt's PackedDomainStats: one table of numbers for all
// VMs, see packed-stats.ts) and are read into VmCounters objects the sampler keeps per VM and
// reuses every round: at 1,000 VMs every 2 s, an object per VM per round was a steady stream of
// young garbage on the main thread.
import type { HostSample, VmSample } from '@ferry/contract';
import type { PackedDomainStats } from '@ferry/libvirt';

/** The counters of one VM at one sample, read from its getAllDomainStats record. */
export interface VmCounters {
  /** cpu.time, ns; null when not reported (CPU_TOTAL group absent). */
  cpuNs: number | null;
  vcpus: number | null;
  /** Names of the block devices: a change means a disk was added or removed. */
  blockNames: string[];
  rdBytes: number;
  wrBytes: number;
  rdReqs: number;
  wrReqs: number;
  netNames: string[];
  rxBytes: number;
  txBytes: number;
  memUsedMiB: number | null;
  memAvailableMiB: number | null;
}

/** The params readCounters reads: what the sampler asks libvirt's answer to be packed down to. */
export const COUNTER_PARAMS: readonly string[] = [
  'cpu.time', 'vcpu.current',
  'block.count', 'block.#.name', 'block.#.rd.bytes', 'block.#.wr.bytes', 'block.#.rd.reqs', 'block.#.wr.reqs',
  'net.count', 'net.#.name', 'net.#.rx.bytes', 'net.#.tx.bytes',
  'balloon.usable', 'balloon.unused', 'balloon.available', 'balloon.current',
];

const KIB_PER_MIB = 1024;
/**
 * Rates and sizes are rounded (percentages and MiB to a hundredth, bytes/s to whole bytes): the
 * stats message for 1,000 VMs goes to every client every 2 s, and 15 significant digits of
 * noise made it a third larger.
 */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

export const newCounters = (): VmCounters => ({
  cpuNs: null, vcpus: null, blockNames: [], rdBytes: 0, wrBytes: 0, rdReqs: 0, wrReqs: 0, netNames: [], rxBytes: 0, txBytes: 0, memUsedMiB: null, memAvailableMiB: null,
});

/** Where one device's params are in a packed answer (-1: not there). */
interface DeviceColumns { name: number; c0: number; c1: number; c2: number; c3: number }
/** Where each counter is in one packed answer (-1: no VM reported it). */
export interface CounterColumns {
  cpu: number; vcpus: number; usable: number; unused: number; available: number; current: number;
  blockCount: number; netCount: number;
  /** By device index: block rd.bytes, wr.bytes, rd.reqs, wr.reqs; net rx.bytes, tx.bytes. */
  blocks: DeviceColumns[]; nets: DeviceColumns[];
}

const BLOCK_FIELDS = ['rd.bytes', 'wr.bytes', 'rd.reqs', 'wr.reqs'] as const;
const NET_FIELDS = ['rx.bytes', 'tx.bytes'] as const;
const DEVICE_KEY = /^(block|net)\.(\d+)\.(.+)$/;

/** Looks the counters' columns up once per answer, not once per VM. */
export function counterColumns(p: PackedDomainStats): CounterColumns {
  const text = new Set(p.textKeys);
  const cols: CounterColumns = { cpu: -1, vcpus: -1, usable: -1, unused: -1, available: -1, current: -1, blockCount: -1, netCount: -1, blocks: [], nets: [] };
  const device = (list: DeviceColumns[], i: number): DeviceColumns => {
    while (list.length <= i) list.push({ name: -1, c0: -1, c1: -1, c2: -1, c3: -1 });
    return list[i]!;
  };
  p.keys.forEach((key, c) => {
    const m = DEVICE_KEY.exec(key);
    if (m) {
      const [, group, index, field] = m;
      const d = device(group === 'block' ? cols.blocks : cols.nets, Number(index));
      if (field === 'name') { if (text.has(c)) d.name = c; return; }
      if (text.has(c)) return; // a counter must be a number
      const at = (group === 'block' ? BLOCK_FIELDS : NET_FIELDS).indexOf(field as never);
      if (at >= 0) d[(['c0', 'c1', 'c2', 'c3'] as const)[at]!] = c;
      return;
    }
    if (text.has(c)) return;
    switch (key) {
      case 'cpu.time': cols.cpu = c; break;
      case 'vcpu.current': cols.vcpus = c; break;
      case 'balloon.usable': cols.usable = c; break;
      case 'balloon.unused': cols.unused = c; break;
      case 'balloon.available': cols.available = c; break;
      case 'balloon.current': cols.current = c; break;
      case 'block.count': cols.blockCount = c; break;
      case 'net.count': cols.netCount = c; break;
    }
  });
  return cols;
}

/** Row `row`'s value in column `c`, or NaN. */
const cell = (p: PackedDomainStats, row: number, c: number): number => (c < 0 ? NaN : p.values[row * p.keys.length + c]!);
const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
const orZero = (v: number): number => (Number.isFinite(v) ? v : 0);

/** Device names into `names`, changed in place only where they differ (nothing allocated in the steady state). */
function readNames(p: PackedDomainStats, row: number, devices: readonly DeviceColumns[], count: number, names: string[]): void {
  if (names.length !== count) names.length = count;
  for (let i = 0; i < count; i++) {
    const id = cell(p, row, devices[i]?.name ?? -1);
    const name = Number.isNaN(id) ? String(i) : p.strings[id]!;
    if (names[i] !== name) names[i] = name;
  }
}

/** VM `row` of a packed answer into `into` (overwritten; returned). */
export function readPackedCounters(p: PackedDomainStats, cols: CounterColumns, row: number, into: VmCounters): VmCounters {
  into.cpuNs = orNull(cell(p, row, cols.cpu));
  into.vcpus = orNull(cell(p, row, cols.vcpus));
  const blocks = orZero(cell(p, row, cols.blockCount));
  readNames(p, row, cols.blocks, blocks, into.blockNames);
  into.rdBytes = 0; into.wrBytes = 0; into.rdReqs = 0; into.wrReqs = 0;
  for (let i = 0; i < blocks; i++) {
    const d = cols.blocks[i];
    if (!d) continue;
    into.rdBytes += orZero(cell(p, row, d.c0));
    into.wrBytes += orZero(cell(p, row, d.c1));
    into.rdReqs += orZero(cell(p, row, d.c2));
    into.wrReqs += orZero(cell(p, row, d.c3));
  }
  const nets = orZero(cell(p, row, cols.netCount));
  readNames(p, row, cols.nets, nets, into.netNames);
  into.rxBytes = 0; into.txBytes = 0;
  for (let i = 0; i < nets; i++) {
    const d = cols.nets[i];
    if (!d) continue;
    into.rxBytes += orZero(cell(p, row, d.c0));
    into.txBytes += orZero(cell(p, row, d.c1));
  }
  // Memory as the guest sees it. balloon.available is the guest's total (MemTotal), .usable what
  // it can still use without swapping (MemAvailable), .unused its free memory (MemFree), .current
  // what the balloon leaves it. Free is usable, else unused (guests too old to report usable);
  // total is available, else current.
  let free = cell(p, row, cols.usable);
  if (!Number.isFinite(free)) free = cell(p, row, cols.unused);
  let total = cell(p, row, cols.available);
  if (!Number.isFinite(total)) total = cell(p, row, cols.current);
  const known = Number.isFinite(free) && Number.isFinite(total);
  into.memUsedMiB = known ? round2(Math.max(0, total - free) / KIB_PER_MIB) : null;
  into.memAvailableMiB = known ? round2(free / KIB_PER_MIB) : null;
  return into;
}

/** Increase of a cumulative counter; a drop is a reset, and the new value is the increase since. */
export const increase = (cur: number, prev: number): number => (cur >= prev ? cur - prev : cur);

const perS = (cur: number, prev: number, dtS: number): number => Math.round(increase(cur, prev) / dtS);
const opsPerS = (cur: number, prev: number, dtS: number): number => round2(increase(cur, prev) / dtS);

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

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
  const disk = dtS > 0 && sameNames(cur.blockNames, prev.blockNames);
  const net = dtS > 0 && sameNames(cur.netNames, prev.netNames);
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
