// Benchmark: per-call cost of virDomainGetInfo on test:///default, three ways, in one run:
//   1. C: baseline.c, compiled here with gcc -O2 -lvirt (the reference every ratio uses);
//   2. a synchronous koffi call inside a worker_threads Worker (sync-worker.ts);
//   3. a round trip from the main thread through @ferry/libvirt's call pool (2 Workers):
//      latency with 1 call in flight, throughput with 64 and 256 in flight, and the main
//      thread's event-loop delay while the pool is saturated.
// Variants are interleaved round by round (and rotated inside a round), so machine noise hits
// them alike; the tables show medians over rounds. Raw samples: scripts/bench/.out/libvirt-calls.json.
//
// Run: pnpm exec tsx scripts/bench/libvirt-calls/run.ts
// Env: ROUNDS (5), SYNC_N (200000), OP_N (50000), LATENCY_N (5000), THROUGHPUT_N (50000).
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { printVerdicts } from '../report.ts';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Libvirt } from '../../../packages/libvirt/src/index.ts';
import {
  BenchError, ELD_RESOLUTION_MS, PoolObserver, SyncBench, compileBaseline, envInt, fmt, idleEld, measurePool, median, ns, pct, rotate,
  runC, stopWatchingGc, table, type Eld, type PoolSample,
} from './harness.ts';
import type { SyncKind } from './sync-worker.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outFile = join(repo, 'scripts/bench/.out/libvirt-calls.json');

const cfg = {
  rounds: envInt('ROUNDS', 5),
  syncN: envInt('SYNC_N', 200_000), // bare virDomainGetInfo calls per sample (C and Worker)
  opN: envInt('OP_N', 50_000), // lookup+getInfo+free per sample (C and Worker)
  latencyN: envInt('LATENCY_N', 5_000), // pool calls per sample, 1 in flight
  throughputN: envInt('THROUGHPUT_N', 50_000), // pool calls per sample, 64/256 in flight
  depths: [64, 256],
  poolSize: 2,
  eldResolutionMs: ELD_RESOLUTION_MS,
};

const GOALS = { workerVsC: 1.5, poolCallsPerS: 50_000, eldP99Ms: 5 };

interface Sample {
  variant: string;
  round: number;
  calls: number;
  wallNsPerCall: number;
  /** C: process CPU; Worker: that Worker thread's CPU; pool: whole process */
  cpuNsPerCall: number;
  pool?: PoolSample;
}
const samples: Sample[] = [];

type Api = 'public' | 'pool';
const poolVariant = (api: Api, depth: number) => `pool.${api}.${depth}`;
const LABELS: Record<string, string> = {
  'c.getInfo': 'C: virDomainGetInfo (handle looked up once)',
  'worker.ffi-void-buffer': 'Worker, sync koffi: void* + reused Buffer',
  'worker.ffi-shipped': "Worker, sync: Ferry's fn.virDomainGetInfo (void* + reused Buffer, decoded)",
  'worker.ffi-out-object': 'Worker, sync koffi: _Out_ virDomainInfo* → object (earlier declaration)',
  'c.op': 'C: lookup by UUID + GetInfo + Free',
  'worker.op-domainGetInfo': "Worker, sync: Ferry's ops.domainGetInfo (lookup+info+free)",
};
for (const api of ['public', 'pool'] as Api[]) {
  for (const d of [1, ...cfg.depths]) {
    LABELS[poolVariant(api, d)] = `pool ×${cfg.poolSize}: ${api === 'public' ? 'conn.domain(uuid).getInfo()' : "lv.pool.call('domainGetInfo')"}, ${d} in flight`;
  }
}
const VARIANTS = Object.keys(LABELS);

/** Which C measurement a variant is compared with: the same libvirt work. */
const baseOf = (variant: string): string =>
  variant.startsWith('c.') ? variant : variant === 'worker.op-domainGetInfo' || variant.startsWith('pool.') ? 'c.op' : 'c.getInfo';

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg();
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-bench-libvirt-'));
  let lv: Libvirt | null = null;
  let sync: SyncBench | null = null;
  try {
    const { bin, gcc } = compileBaseline(tmp);
    console.log(`compiled baseline.c with ${gcc}`);

    lv = await Libvirt.start({ size: cfg.poolSize });
    const conn = await lv.open('test:///default');
    const uuid = (await conn.lookupDomainByName('test')).uuid;
    const domain = conn.domain(uuid);
    const pool = lv.pool;
    const obs = new PoolObserver(pool);
    const apis: Record<Api, () => Promise<unknown>> = {
      public: () => domain.getInfo(),
      pool: () => pool.call('domainGetInfo', [conn.ptr, uuid]),
    };

    sync = new SyncBench();
    await sync.ready;

    const syncPlan: [SyncKind, number][] = [['ffi-void-buffer', cfg.syncN], ['ffi-shipped', cfg.syncN], ['ffi-out-object', cfg.syncN], ['op-domainGetInfo', cfg.opN]];
    const poolPlan: [Api, number, number][] = [];
    for (const api of ['public', 'pool'] as Api[]) {
      poolPlan.push([api, 1, cfg.latencyN]);
      for (const d of cfg.depths) poolPlan.push([api, d, cfg.throughputN]);
    }

    // warm-up: JIT, koffi's call paths, the test driver's first-use paths, the pool Workers
    process.stdout.write('warming up');
    runC(bin, 20_000, 5_000);
    for (const [kind] of syncPlan) await sync.run(kind, 20_000);
    for (const [api, d, n] of poolPlan) {
      await measurePool(apis[api], d, Math.min(n, d === 1 ? 1_000 : 10_000), null);
      process.stdout.write('.');
    }
    console.log();

    const measureC = (round: number) => {
      for (const c of runC(bin, cfg.syncN, cfg.opN)) samples.push({ variant: `c.${c.impl}`, round, calls: c.calls, wallNsPerCall: c.wallNsPerCall, cpuNsPerCall: c.cpuNsPerCall });
    };
    for (let round = 0; round < cfg.rounds; round++) {
      const t = Date.now();
      // C runs before and after the Worker variants; their ratios use the mean of both, so a
      // burst of load during one C run does not decide the round on its own
      measureC(round);
      // rotated inside each round, so slow drift does not favour one variant
      for (const [kind, n] of rotate(syncPlan, round)) {
        const r = await sync.run(kind, n);
        samples.push({ variant: `worker.${kind}`, round, calls: n, ...r });
      }
      measureC(round);
      for (const [api, d, n] of rotate(poolPlan, round)) {
        const p = await measurePool(apis[api], d, n, obs);
        samples.push({ variant: poolVariant(api, d), round, calls: n, wallNsPerCall: p.wallNsPerCall, cpuNsPerCall: p.cpuNsPerCall, pool: p });
      }
      console.log(`round ${round + 1}/${cfg.rounds}: ${((Date.now() - t) / 1000).toFixed(1)} s, load average ${loadavg()[0]!.toFixed(2)}`);
    }
    const idle = await idleEld(1000);
    report(idle, { started, load0, gcc });
  } finally {
    stopWatchingGc();
    await sync?.close();
    await lv?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// summary

interface Row {
  variant: string;
  label: string;
  calls: number;
  samples: number;
  wallNs: number;
  wallMin: number;
  wallMax: number;
  callsPerS: number;
  cpuNs: number;
  base: string;
  /** medians over rounds of (this round's ns/call ÷ the same round's C ns/call for the same work) */
  vsC: number;
  cpuVsC: number;
  pool?: {
    mainCpuNs: number; mainBusy: number; mainWait: number | null; otherCpuNs: number;
    repliesPerMessage: number | null; busiestWorker: number | null; gcMaxMs: number;
  };
  eld?: { p50Ms: number; p99Ms: number; maxMs: number; worstP99Ms: number };
}

const nums = <T>(xs: T[], f: (x: T) => number | null | undefined): number[] => xs.flatMap((x) => { const v = f(x); return v === null || v === undefined ? [] : [v]; });
const medianOrNull = (xs: number[]): number | null => (xs.length ? median(xs) : null);

function summarize(): Row[] {
  return VARIANTS.map((variant) => {
    const ss = samples.filter((s) => s.variant === variant);
    const base = baseOf(variant);
    const paired = ss.flatMap((s) => {
      const cs = samples.filter((x) => x.variant === base && x.round === s.round);
      if (cs.length === 0) return [];
      const mean = (f: (x: Sample) => number) => cs.reduce((a, x) => a + f(x), 0) / cs.length;
      return [{ wall: s.wallNsPerCall / mean((x) => x.wallNsPerCall), cpu: s.cpuNsPerCall / mean((x) => x.cpuNsPerCall) }];
    });
    const wall = ss.map((s) => s.wallNsPerCall);
    const row: Row = {
      variant, label: LABELS[variant]!, calls: ss[0]?.calls ?? 0, samples: ss.length,
      wallNs: median(wall), wallMin: Math.min(...wall), wallMax: Math.max(...wall),
      callsPerS: median(ss.map((s) => 1e9 / s.wallNsPerCall)), cpuNs: median(ss.map((s) => s.cpuNsPerCall)),
      base, vsC: median(paired.map((p) => p.wall)), cpuVsC: median(paired.map((p) => p.cpu)),
    };
    const ps = ss.flatMap((s) => (s.pool ? [s.pool] : []));
    if (ps.length) {
      row.pool = {
        mainCpuNs: median(ps.map((p) => p.mainCpuNsPerCall)),
        mainBusy: median(ps.map((p) => p.mainBusy)),
        mainWait: medianOrNull(nums(ps, (p) => p.mainRunqueueWait)),
        otherCpuNs: median(ps.map((p) => p.otherCpuNsPerCall)),
        repliesPerMessage: medianOrNull(nums(ps, (p) => p.repliesPerMessage)),
        busiestWorker: medianOrNull(nums(ps, (p) => {
          const w = p.perWorkerCalls;
          const total = w ? w.reduce((a, b) => a + b, 0) : 0;
          return w && total ? Math.max(...w) / total : null;
        })),
        gcMaxMs: Math.max(...ps.map((p) => p.gcMaxMs)),
      };
      const es = ps.flatMap((p) => (p.eld ? [p.eld] : []));
      if (es.length) {
        row.eld = {
          p50Ms: median(es.map((e) => e.p50Ms)), p99Ms: median(es.map((e) => e.p99Ms)),
          maxMs: Math.max(...es.map((e) => e.maxMs)), worstP99Ms: Math.max(...es.map((e) => e.p99Ms)),
        };
      }
    }
    return row;
  });
}

function report(idle: Eld, meta: { started: number; load0: number[]; gcc: string }): void {
  const rows = summarize();
  const by = (v: string) => rows.find((r) => r.variant === v)!;

  console.log(`\nPer-call cost, median of ${cfg.rounds} interleaved rounds (C: 2 samples a round, before and after the Worker variants).`);
  console.log('"vs C": median of per-round ratios to the C row doing the same libvirt work (GetInfo alone, or lookup+GetInfo+Free = "op"),');
  console.log('on wall clock and on CPU time (C: process; Worker: that thread; pool: whole process).\n');
  console.log(table(
    ['variant', 'calls/sample', 'wall ns/call', 'min–max', 'vs C', 'calls/s', 'CPU ns/call', 'CPU vs C'],
    rows.map((r) => {
      const isC = r.variant.startsWith('c.');
      const tag = r.base === 'c.op' ? ' op' : '';
      return [
        r.label, fmt(r.calls), ns(r.wallNs), `${ns(r.wallMin)}–${ns(r.wallMax)}`,
        isC ? 'base' : `${r.vsC.toFixed(2)}×${tag}`, fmt(r.callsPerS), ns(r.cpuNs), isC ? 'base' : `${r.cpuVsC.toFixed(2)}×${tag}`,
      ];
    }),
    [false, true, true, true, true, true, true, true],
  ));

  const poolRows = rows.filter((r) => r.pool);
  console.log('\nPool detail, medians. main = main thread; "waiting for CPU" = runnable but not running (/proc schedstat); Workers = process');
  console.log(`CPU minus main thread; ELD = main-thread event-loop delay (monitorEventLoopDelay, resolution ${cfg.eldResolutionMs} ms); ELD max, GC pause: worst round.\n`);
  console.log(table(
    ['variant', 'main CPU ns/call', 'main on CPU', 'main waiting for CPU', 'Workers CPU ns/call', 'calls/reply msg', 'busiest Worker', 'ELD p50 ms', 'ELD p99 ms', 'ELD max ms', 'max GC pause ms'],
    poolRows.map((r) => {
      const p = r.pool!;
      return [
        r.label, ns(p.mainCpuNs), pct(p.mainBusy), p.mainWait === null ? '–' : pct(p.mainWait), ns(p.otherCpuNs),
        p.repliesPerMessage === null ? '–' : p.repliesPerMessage.toFixed(1), p.busiestWorker === null ? '–' : pct(p.busiestWorker),
        r.eld ? r.eld.p50Ms.toFixed(2) : '–', r.eld ? r.eld.p99Ms.toFixed(2) : '–', r.eld ? r.eld.maxMs.toFixed(2) : '–', p.gcMaxMs.toFixed(1),
      ];
    }),
    [false, true, true, true, true, true, true, true, true, true, true],
  ));
  console.log(`Idle main thread, same run: ELD p50 ${idle.p50Ms.toFixed(2)} ms, p99 ${idle.p99Ms.toFixed(2)} ms, max ${idle.maxMs.toFixed(2)} ms ` +
    `(a sample is the whole interval between ${cfg.eldResolutionMs} ms timer ticks: an idle loop reads ≈ ${cfg.eldResolutionMs} ms).`);

  // verdicts
  const g1 = by('worker.ffi-shipped');
  const g1floor = by('worker.ffi-void-buffer');
  const publicTput = cfg.depths.map((d) => by(poolVariant('public', d)));
  const g2 = Math.min(...publicTput.map((r) => r.callsPerS));
  const saturated = cfg.depths.flatMap((d) => (['public', 'pool'] as Api[]).map((api) => by(poolVariant(api, d))));
  const g3 = Math.max(...saturated.map((r) => r.eld!.p99Ms));
  const verdicts = [
    {
      goal: `in-Worker call ≤ ${GOALS.workerVsC}× C`,
      measured: `${g1.vsC.toFixed(2)}× (Ferry's fn.virDomainGetInfo as shipped, decoded to DomainInfo; CPU ${g1.cpuVsC.toFixed(2)}×)`,
      pass: g1.vsC <= GOALS.workerVsC,
      note: `the same C function declared void* with a reused Buffer: ${g1floor.vsC.toFixed(2)}× (CPU ${g1floor.cpuVsC.toFixed(2)}×)`,
    },
    {
      goal: `pool throughput ≥ ${fmt(GOALS.poolCallsPerS)} calls/s with ${cfg.poolSize} Workers`,
      measured: `${fmt(g2)} calls/s (conn.domain(uuid).getInfo(), the lower of ${cfg.depths.join(' and ')} in flight)`,
      pass: g2 >= GOALS.poolCallsPerS,
      note: cfg.depths.map((d) => `${d} in flight: ${fmt(by(poolVariant('public', d)).callsPerS)} public, ${fmt(by(poolVariant('pool', d)).callsPerS)} pool.call`).join('; '),
    },
    {
      goal: `main-thread event-loop delay p99 ≤ ${GOALS.eldP99Ms} ms while the pool is saturated`,
      measured: `${g3.toFixed(2)} ms (highest median p99 of the ${saturated.length} saturated variants)`,
      pass: g3 <= GOALS.eldP99Ms,
      note: `worst round p99 ${Math.max(...saturated.map((r) => r.eld!.worstP99Ms)).toFixed(2)} ms, max ${Math.max(...saturated.map((r) => r.eld!.maxMs)).toFixed(2)} ms; ` +
        `main thread waiting for a CPU ${saturated.map((r) => (r.pool!.mainWait === null ? '?' : pct(r.pool!.mainWait))).join(' / ')} of the time`,
    },
  ];
  const { load1, cpus: n } = printVerdicts(verdicts, meta);
  const seconds = (Date.now() - meta.started) / 1000;

  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({
    bench: 'libvirt-calls',
    date: new Date(meta.started).toISOString(),
    seconds,
    env: {
      node: process.version, koffi: pkgVersion('koffi'), libvirt: libvirtVersion(), gcc: meta.gcc,
      cpus: n, cpuModel: cpus()[0]?.model ?? null, loadavgStart: meta.load0, loadavgEnd: load1,
    },
    config: cfg, goals: GOALS, verdicts, summary: rows, idleEld: idle, samples,
  }, null, 2)}\n`);
  console.log(`raw results: ${relative(process.cwd(), outFile)}`);
}

function pkgVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(repo, 'packages/libvirt/node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function libvirtVersion(): string | null {
  const r = spawnSync('pkg-config', ['--modversion', 'libvirt'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

main().catch((e: unknown) => {
  console.error(e instanceof BenchError ? `\nlibvirt-calls bench: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
