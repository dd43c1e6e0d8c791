// The stats sampler: every interval, per connected host, exactly one
// virConnectGetAllDomainStats call for all its running VMs (never a call per VM) and two small
// host calls (CPU times, memory), all three in flight at once; then rates derived from the
// previous sample (derive.ts) and one StatsMessage per host handed to `sink`.
//
// Timing rules:
// - A host whose previous round is still running (a slow or hung daemon; each call has the
//   binding's deadline) is skipped this tick and counted — rounds never pile up.
// - Rates use the wall time between the two rounds' answers, not the nominal interval, so a
//   late answer does not inflate them.
// - A new connection (reconnect) or a failed round starts again from a baseline: the first
//   round after it publishes nothing, because a rate needs two readings.
// - `onTick` runs at the start of every tick, before new calls go out (the history store
//   writes its closed buckets there: one transaction per tick).
//
// Allocation (measured by scripts/bench/metrics/tick-alloc.ts: it decides how far V8 grows the
// main thread's young generation, and so the server's RSS): the records arrive packed — only
// the params derive reads, as one transferred Float64Array (@ferry/libvirt packed-stats.ts) —
// and each VM's counters live in two objects kept across rounds, read into and swapped.
import { constants as C, isUnsupported, type PackedDomainStats } from '@ferry/libvirt';
import type { StatsMessage, VmSample } from '@ferry/contract';
import { COUNTER_PARAMS, counterColumns, deriveVm, hostCpuPct, hostMemory, hostSample, newCounters, readPackedCounters, type VmCounters } from './derive.ts';

export const STATS_GROUPS = C.VIR_DOMAIN_STATS_STATE | C.VIR_DOMAIN_STATS_CPU_TOTAL | C.VIR_DOMAIN_STATS_BALLOON
  | C.VIR_DOMAIN_STATS_BLOCK | C.VIR_DOMAIN_STATS_INTERFACE | C.VIR_DOMAIN_STATS_VCPU;
/**
 * Running and paused guests only: a shut-off VM has no rates, and 1,000 of them would cost for
 * nothing. NOWAIT: a guest inside a job that blocks queries (a migration copying its disks)
 * would otherwise hold the call — and a pool Worker — for libvirt's 30 s job-lock timeout.
 */
export const STATS_FLAGS = C.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | C.VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;

/** What the sampler needs of a libvirt connection (Connection has it; tests pass fakes). */
export interface StatsSource {
  getAllDomainStatsPacked(stats: number, flags: number, keep: readonly string[] | null): Promise<PackedDomainStats>;
  getNodeCPUStats(): Promise<Record<string, number>>;
  getNodeMemoryStats(): Promise<Record<string, number>>;
  getNodeInfo(): Promise<{ memoryKiB: number }>;
  getFreeMemory(): Promise<number>;
}

export interface SampledHost { id: string; currentConnection(): StatsSource | null }

/** One host's round: the message clients get, plus VM names (for top and Prometheus). */
export interface HostStats { message: StatsMessage; names: ReadonlyMap<string, string>; atMs: number }

export interface StatsSamplerOptions {
  intervalS: number;
  hosts: () => readonly SampledHost[];
  sink: (stats: HostStats) => void;
  onTick?: (nowMs: number) => void;
  now?: () => number;
  log?: { warn(obj: object, msg: string): void };
}

interface HostState {
  source: StatsSource | null;
  busy: boolean;
  skipped: number;
  failing: boolean;
  atMs: number | null;
  /** Per VM: the last round's counters, a spare the next round reads into, and when it was last seen. */
  vms: Map<string, { counters: VmCounters; spare: VmCounters; round: number }>;
  round: number;
  cpu: Record<string, number> | null;
  /** virNodeGetMemoryStats unsupported (test driver): node info total + free memory instead. */
  memFallbackKiB: number | null;
}

const newState = (): HostState => ({ source: null, busy: false, skipped: 0, failing: false, atMs: null, vms: new Map(), round: 0, cpu: null, memFallbackKiB: null });

export class StatsSampler {
  private readonly states = new Map<string, HostState>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: StatsSamplerOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.opts.intervalS * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ticks skipped per host because its previous round was still running. */
  skippedTicks(): ReadonlyMap<string, number> {
    return new Map([...this.states].map(([id, s]) => [id, s.skipped]));
  }

  /** One tick: starts a round on every idle connected host. Returns when those rounds are done (tests await it). */
  tick(): Promise<void> {
    try {
      this.opts.onTick?.(this.now());
    } catch (err) {
      this.opts.log?.warn({ err }, 'stats tick hook failed'); // a history write error must not stop live stats
    }
    const rounds: Promise<void>[] = [];
    const seen = new Set<string>();
    for (const host of this.opts.hosts()) {
      seen.add(host.id);
      let st = this.states.get(host.id);
      if (!st) this.states.set(host.id, (st = newState()));
      if (st.busy) {
        st.skipped++;
        continue;
      }
      const source = host.currentConnection();
      if (source !== st.source) { // connected, reconnected or gone: start from a baseline
        const skipped = st.skipped;
        this.states.set(host.id, (st = newState()));
        st.skipped = skipped;
        st.source = source;
      }
      if (!source) continue;
      st.busy = true;
      const state = st;
      rounds.push(this.round(host.id, source, state).finally(() => { state.busy = false; }));
    }
    for (const id of this.states.keys()) if (!seen.has(id)) this.states.delete(id);
    return Promise.all(rounds).then(() => undefined);
  }

  private async round(hostId: string, source: StatsSource, st: HostState): Promise<void> {
    let records: PackedDomainStats;
    let cpu: Record<string, number> | null;
    let mem: { usedMiB: number; totalMiB: number } | null;
    try {
      [records, cpu, mem] = await Promise.all([
        source.getAllDomainStatsPacked(STATS_GROUPS, STATS_FLAGS, COUNTER_PARAMS),
        source.getNodeCPUStats().catch(() => null), // host figures are extras: never fail the round
        this.hostMemory(source, st).catch(() => null),
      ]);
    } catch (err) {
      if (!st.failing) this.opts.log?.warn({ err, hostId }, 'stats round failed; retrying every interval');
      st.failing = true;
      st.atMs = null; // the next good round is a baseline
      return;
    }
    st.failing = false;
    const atMs = this.now();
    const dtS = st.atMs === null ? 0 : (atMs - st.atMs) / 1000;
    const round = ++st.round;
    const vms: VmSample[] = [];
    const names = new Map<string, string>();
    const cols = counterColumns(records);
    for (let row = 0; row < records.uuids.length; row++) {
      const uuid = records.uuids[row]!;
      let vm = st.vms.get(uuid);
      const seen = vm !== undefined;
      if (!vm) st.vms.set(uuid, (vm = { counters: newCounters(), spare: newCounters(), round }));
      const counters = readPackedCounters(records, cols, row, vm.spare);
      if (seen && dtS > 0) {
        vms.push(deriveVm(uuid, vm.counters, counters, dtS));
        names.set(uuid, records.names[row]!);
      }
      vm.spare = vm.counters;
      vm.counters = counters;
      vm.round = round;
    }
    for (const [uuid, v] of st.vms) if (v.round !== round) st.vms.delete(uuid); // stopped or gone
    const cpuPct = cpu && st.cpu ? hostCpuPct(st.cpu, cpu) : null;
    st.cpu = cpu;
    const first = st.atMs === null;
    st.atMs = atMs;
    if (first || dtS <= 0) return;
    try {
      this.opts.sink({
        message: { type: 'stats', hostId, at: new Date(atMs).toISOString(), intervalS: Math.round(dtS * 1000) / 1000, host: hostSample(cpuPct, mem), vms },
        names,
        atMs,
      });
    } catch (err) {
      this.opts.log?.warn({ err, hostId }, 'delivering a stats sample failed');
    }
  }

  private async hostMemory(source: StatsSource, st: HostState): Promise<{ usedMiB: number; totalMiB: number } | null> {
    if (st.memFallbackKiB === null) {
      try {
        return hostMemory(await source.getNodeMemoryStats());
      } catch (e) {
        if (!isUnsupported(e)) throw e;
        st.memFallbackKiB = (await source.getNodeInfo()).memoryKiB; // total does not change: ask once
      }
    }
    const freeBytes = await source.getFreeMemory();
    return hostMemory({ total: st.memFallbackKiB, free: freeBytes / 1024 });
  }
}
