// Investigation companion to run.ts: where a pool call's time goes, and what candidate fixes
// would buy. Nothing here changes packages/libvirt; experiments that need a different pool
// behaviour patch one CallPool *instance* in this process, and say so.
//
//   A. Inside a Worker: virDomainGetInfo marshalling variants, the per-operation lookup, and a
//      leaner operation (void* + reused Buffer + JS decoding), against C.
//   B. Pool overhead and batching: a near-free operation (connectIsAlive) vs domainGetInfo,
//      1…1024 calls in flight, and the Connection.call wrapper.
//   C. Pump strategies (patched instance): stock; dispatch coalesced into one microtask;
//      coalesced and split evenly over the idle Workers.
//   D. CPU oversubscription: 1 Worker vs 2, and 2 Workers reniced (+10) so the main thread
//      wins the CPU, measured by event-loop delay and main-thread run-queue wait.
//   E. Main-thread CPU profile (V8 inspector) at 256 in flight: self time by function.
//   F. Main-thread garbage per call: Connection.call's wrapper (a second Promise and a Set
//      entry per call) against alternatives, rebuilt here on top of pool.call.
//
// Run: pnpm exec tsx scripts/bench/libvirt-calls/profile.ts   (about 1½ minutes)
// Env: ROUNDS (3), N (30000: pool calls per throughput sample).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Libvirt, type Connection } from '../../../packages/libvirt/src/index.ts';
import { libc } from '../../../packages/libvirt/src/ffi/lib.ts';
import {
  BenchError, PoolObserver, SyncBench, compileBaseline, envInt, fmt, measurePool, median, ns, pct, rotate, runC, stopWatchingGc, table,
  type PoolSample,
} from './harness.ts';
import type { SyncKind } from './sync-worker.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outFile = join(repo, 'scripts/bench/.out/libvirt-calls-profile.json');
const ROUNDS = envInt('ROUNDS', 3);
const N = envInt('N', 30_000);
const results: Record<string, unknown> = {};

type CallPool = Libvirt['pool'];
type Call = () => Promise<unknown>;

async function main(): Promise<void> {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-bench-libvirt-'));
  const lvs: Libvirt[] = [];
  let sync: SyncBench | null = null;
  try {
    const { bin } = compileBaseline(tmp);
    sync = new SyncBench();
    await sync.ready;
    await sectionA(bin, sync);
    await sync.close();
    sync = null;

    const open = async (size: number) => {
      const lv = await Libvirt.start({ size });
      lvs.push(lv);
      const conn = await lv.open('test:///default');
      const uuid = (await conn.lookupDomainByName('test')).uuid;
      return { lv, conn, uuid, obs: new PoolObserver(lv.pool) };
    };
    const two = await open(2);
    await sectionB(two);
    await sectionC(two);
    const one = await open(1);
    await sectionD(one, two);
    await sectionE(two);
    await sectionF(two);
  } finally {
    stopWatchingGc();
    await sync?.close();
    for (const lv of lvs) await lv.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({ date: new Date(started).toISOString(), rounds: ROUNDS, n: N, loadavgEnd: loadavg(), results }, null, 2)}\n`);
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; raw results: ${relative(process.cwd(), outFile)}`);
}

// ---------------------------------------------------------------------------------------------

async function sectionA(bin: string, sync: SyncBench): Promise<void> {
  const kinds: [SyncKind, number, string, 'getInfo' | 'op'][] = [
    ['ffi-void-buffer', 200_000, 'GetInfo, void* + reused Buffer, no decoding', 'getInfo'],
    ['ffi-void-decode', 200_000, 'GetInfo, void* + reused Buffer, decoded in JS to DomainInfo', 'getInfo'],
    ['ffi-out-object', 200_000, 'GetInfo, _Out_ virDomainInfo* → object (earlier declaration)', 'getInfo'],
    ['lookup-free', 100_000, 'LookupByUUIDString + Free only', 'op'],
    ['op-domainGetInfo', 50_000, "Ferry's ops.domainGetInfo (lookup + _Out_ GetInfo + Free)", 'op'],
  ];
  const c: Record<'getInfo' | 'op', { wall: number[]; cpu: number[] }> = { getInfo: { wall: [], cpu: [] }, op: { wall: [], cpu: [] } };
  const w = new Map<SyncKind, { wall: number[]; cpu: number[] }>(kinds.map(([k]) => [k, { wall: [], cpu: [] }]));
  for (const [k] of kinds) await sync.run(k, 20_000);
  for (let r = 0; r < ROUNDS; r++) {
    for (const x of runC(bin, 200_000, 50_000)) { c[x.impl].wall.push(x.wallNsPerCall); c[x.impl].cpu.push(x.cpuNsPerCall); }
    for (const [k, n] of rotate(kinds, r)) {
      const x = await sync.run(k, n);
      w.get(k)!.wall.push(x.wallNsPerCall);
      w.get(k)!.cpu.push(x.cpuNsPerCall);
    }
  }
  const rows: { label: string; wallNs: number; cpuNs: number; cpuVsC: number }[] = [
    { label: 'C: GetInfo', wallNs: median(c.getInfo.wall), cpuNs: median(c.getInfo.cpu), cpuVsC: 1 },
    { label: 'C: LookupByUUIDString + GetInfo + Free', wallNs: median(c.op.wall), cpuNs: median(c.op.cpu), cpuVsC: 1 },
    ...kinds.map(([k, , label, base]) => {
      const x = w.get(k)!;
      return { label: `Worker: ${label}`, wallNs: median(x.wall), cpuNs: median(x.cpu), cpuVsC: median(x.cpu) / median(c[base].cpu) };
    }),
  ];
  results.A = rows;
  console.log(`\nA. Inside a Worker (medians of ${ROUNDS} rounds; "CPU vs C": against C's GetInfo or C's lookup+GetInfo+Free)\n`);
  console.log(table(['variant', 'wall ns/call', 'CPU ns/call', 'CPU vs C'],
    rows.map((r) => [r.label, ns(r.wallNs), ns(r.cpuNs), `${r.cpuVsC.toFixed(2)}×`]), [false, true, true, true]));
}

// ---------------------------------------------------------------------------------------------

interface Setup { lv: Libvirt; conn: Connection; uuid: string; obs: PoolObserver }

interface Plan { key: string; label: string; call: Call; depth: number; n: number; obs: PoolObserver; before?: () => void; after?: () => void }

/** Interleaves the plans over ROUNDS rounds; returns per-plan medians. */
async function runPlans(plans: Plan[]): Promise<Map<string, PoolSample[]>> {
  const out = new Map<string, PoolSample[]>(plans.map((p) => [p.key, []]));
  for (const p of plans) { p.before?.(); await measurePool(p.call, p.depth, Math.min(p.n, 5_000), null); p.after?.(); }
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of rotate(plans, r)) {
      p.before?.();
      try {
        out.get(p.key)!.push(await measurePool(p.call, p.depth, p.n, p.obs));
      } finally {
        p.after?.();
      }
    }
  }
  return out;
}

const poolHeader = [
  'variant', 'calls/s', 'wall ns/call', 'main CPU ns/call', 'Workers CPU ns/call', 'calls/reply msg', 'busiest Worker', 'main waiting for CPU',
  'main GC ms per 1k calls', 'max GC pause ms', 'ELD p99 ms', 'ELD max ms',
];
function poolRow(label: string, ss: PoolSample[]): string[] {
  const m = (f: (s: PoolSample) => number | null | undefined) => {
    const xs = ss.flatMap((s) => { const v = f(s); return v === null || v === undefined ? [] : [v]; });
    return xs.length ? median(xs) : null;
  };
  const busiest = m((s) => { const w = s.perWorkerCalls; const t = w ? w.reduce((a, b) => a + b, 0) : 0; return w && t ? Math.max(...w) / t : null; });
  const rpm = m((s) => s.repliesPerMessage);
  const wait = m((s) => s.mainRunqueueWait);
  const p99 = m((s) => s.eld?.p99Ms);
  const max = ss.some((s) => s.eld) ? Math.max(...ss.map((s) => s.eld?.maxMs ?? 0)) : null;
  return [
    label, fmt(m((s) => 1e9 / s.wallNsPerCall)!), ns(m((s) => s.wallNsPerCall)!), ns(m((s) => s.mainCpuNsPerCall)!), ns(m((s) => s.otherCpuNsPerCall)!),
    rpm === null ? '–' : rpm.toFixed(1), busiest === null ? '–' : pct(busiest), wait === null ? '–' : pct(wait),
    (m((s) => (s.gcTotalMs / s.calls) * 1000)!).toFixed(2), Math.max(...ss.map((s) => s.gcMaxMs)).toFixed(1),
    p99 === null ? '–' : p99.toFixed(2), max === null ? '–' : max.toFixed(2),
  ];
}
function printPlans(title: string, key: string, plans: Plan[], res: Map<string, PoolSample[]>): void {
  results[key] = plans.map((p) => ({ key: p.key, label: p.label, samples: res.get(p.key) }));
  console.log(`\n${title}\n`);
  console.log(table(poolHeader, plans.map((p) => poolRow(p.label, res.get(p.key)!)), poolHeader.map((_, i) => i > 0)));
}

async function sectionB({ lv, conn, uuid, obs }: Setup): Promise<void> {
  const alive: Call = () => lv.pool.call('connectIsAlive', [conn.ptr]);
  const info: Call = () => lv.pool.call('domainGetInfo', [conn.ptr, uuid]);
  const d = conn.domain(uuid);
  const plans: Plan[] = [
    ...[1, 64, 256].map((depth) => ({ key: `alive.${depth}`, label: `pool.call('connectIsAlive'), ${depth} in flight`, call: alive, depth, n: depth === 1 ? 3_000 : N, obs })),
    ...[1, 4, 16, 64, 128, 256, 1024].map((depth) => ({ key: `info.${depth}`, label: `pool.call('domainGetInfo'), ${depth} in flight`, call: info, depth, n: depth === 1 ? 3_000 : N, obs })),
    { key: 'public.256', label: 'conn.domain(uuid).getInfo(), 256 in flight', call: () => d.getInfo(), depth: 256, n: N, obs },
  ];
  printPlans(`B. Pool overhead and batching (2 Workers, stock pool; medians of ${ROUNDS} rounds)`, 'B', plans, await runPlans(plans));
}

// ---------------------------------------------------------------------------------------------

interface PoolInternals {
  closed: boolean;
  queue: { id: number; op: string; args: unknown[] }[];
  slots: { worker: Worker; inFlight: Map<number, unknown> }[];
  pump: () => void;
}
const BATCH_MAX = 64; // as in pool.ts

/**
 * Replaces pump() on one CallPool instance. 'coalesce': calls made in the same tick are
 * dispatched by one microtask instead of the first going out alone; 'even': additionally,
 * the queue is split evenly over the idle Workers instead of the first idle one taking up to
 * 64. Returns a function that restores the stock method.
 */
function patchPump(pool: CallPool, mode: 'coalesce' | 'even'): () => void {
  const p = pool as unknown as PoolInternals;
  const stock = Object.getPrototypeOf(p).pump as () => void;
  const even = function (this: PoolInternals): void {
    if (this.closed) return;
    const idle = this.slots.filter((s) => s.inFlight.size === 0);
    for (let i = 0; i < idle.length && this.queue.length > 0; i++) {
      const slot = idle[i]!;
      const take = Math.min(BATCH_MAX, Math.ceil(this.queue.length / (idle.length - i)));
      const batch = this.queue.splice(0, take).map((c) => {
        slot.inFlight.set(c.id, c);
        return { id: c.id, op: c.op, args: c.args };
      });
      slot.worker.postMessage({ batch });
    }
  };
  const dispatch = mode === 'even' ? even : stock;
  let scheduled = false;
  p.pump = function (this: PoolInternals) {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => { scheduled = false; dispatch.call(p); });
  };
  return () => { delete (p as Partial<PoolInternals>).pump; };
}

async function sectionC({ lv, conn, uuid, obs }: Setup): Promise<void> {
  const d = conn.domain(uuid);
  const call: Call = () => d.getInfo();
  let restore: (() => void) | null = null;
  const modes = [['stock', null], ['coalesce', 'coalesce'], ['even', 'even']] as const;
  const plans: Plan[] = [];
  for (const depth of [1, 64, 256]) {
    for (const [name, mode] of modes) {
      plans.push({
        key: `${name}.${depth}`, label: `${name === 'stock' ? 'stock pump' : name === 'coalesce' ? 'coalesced pump' : 'coalesced + even split'}, ${depth} in flight`,
        call, depth, n: depth === 1 ? 3_000 : N, obs,
        before: () => { if (mode) restore = patchPump(lv.pool, mode); },
        after: () => { restore?.(); restore = null; },
      });
    }
  }
  printPlans(`C. Pump strategies, conn.domain(uuid).getInfo() (2 Workers; pump() patched on this instance only; medians of ${ROUNDS} rounds)`, 'C', plans, await runPlans(plans));
}

// ---------------------------------------------------------------------------------------------

const PRIO_PROCESS = 0;
const setpriority = libc.func('int setpriority(int which, int who, int prio)');
/** Sets the nice value of every thread of this process except the main thread. */
function niceOthers(prio: number): void {
  for (const t of readdirSync('/proc/self/task')) {
    const tid = Number(t);
    if (tid !== process.pid) setpriority(PRIO_PROCESS, tid, prio);
  }
}

async function sectionD(one: Setup, two: Setup): Promise<void> {
  const plans: Plan[] = [
    { key: 'size1', label: '1 Worker, 256 in flight', call: () => one.conn.domain(one.uuid).getInfo(), depth: 256, n: N, obs: one.obs },
    { key: 'size2', label: '2 Workers, 256 in flight', call: () => two.conn.domain(two.uuid).getInfo(), depth: 256, n: N, obs: two.obs },
    {
      key: 'size2nice', label: '2 Workers reniced +10, 256 in flight', call: () => two.conn.domain(two.uuid).getInfo(), depth: 256, n: N, obs: two.obs,
      before: () => niceOthers(10), after: () => niceOthers(0),
    },
  ];
  printPlans(`D. CPU oversubscription, conn.domain(uuid).getInfo() (medians of ${ROUNDS} rounds)`, 'D', plans, await runPlans(plans));
}

// ---------------------------------------------------------------------------------------------

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }

async function sectionE({ conn, uuid, obs }: Setup): Promise<void> {
  const d = conn.domain(uuid);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await measurePool(() => d.getInfo(), 256, N, obs);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const f = n.callFrame;
    if (f.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18);
  results.E = { totalUs: total, top: top.map(([fn, us]) => ({ fn, us })) };
  console.log('\nE. Main thread, V8 CPU profile, conn.domain(uuid).getInfo() with 256 in flight: self time by function (non-idle samples)\n');
  console.log(table(['function', 'self %'], top.map(([fn, us]) => [fn, `${((us / total) * 100).toFixed(1)}%`]), [false, true]));
}

// ---------------------------------------------------------------------------------------------

async function sectionF({ lv, conn, uuid, obs }: Setup): Promise<void> {
  const raw = () => lv.pool.call('domainGetInfo', [conn.ptr, uuid]);
  const inFlight = new Set<(e: Error) => void>();
  let count = 0;
  // Connection.call's shape: a second Promise, a `fail` closure in a long-lived Set, two closures for .then
  const wrappedSet: Call = () => new Promise((resolve, reject) => {
    const fail = (e: Error) => reject(e);
    inFlight.add(fail);
    raw().then((v) => { inFlight.delete(fail); resolve(v); }, (e: Error) => { inFlight.delete(fail); reject(e); });
  });
  // the same with a counter instead of the Set
  const wrappedCount: Call = () => new Promise((resolve, reject) => {
    count++;
    raw().then((v) => { count--; resolve(v); }, (e: Error) => { count--; reject(e); });
  });
  const d = conn.domain(uuid);
  const plans: Plan[] = [];
  for (const depth of [64, 256]) {
    plans.push(
      { key: `raw.${depth}`, label: `pool.call, ${depth} in flight`, call: raw, depth, n: N, obs },
      { key: `set.${depth}`, label: `Promise + Set wrapper (as Connection.call), ${depth} in flight`, call: wrappedSet, depth, n: N, obs },
      { key: `count.${depth}`, label: `Promise + counter wrapper, ${depth} in flight`, call: wrappedCount, depth, n: N, obs },
      { key: `public.${depth}`, label: `conn.domain(uuid).getInfo(), ${depth} in flight`, call: () => d.getInfo(), depth, n: N, obs },
    );
  }
  printPlans(`F. Main-thread garbage: Connection.call's wrapper vs alternatives (2 Workers; medians of ${ROUNDS} rounds)`, 'F', plans, await runPlans(plans));
  if (count !== 0 || inFlight.size !== 0) throw new Error(`wrapper bookkeeping leaked: count ${count}, set ${inFlight.size}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof BenchError ? `\nlibvirt-calls profile: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
