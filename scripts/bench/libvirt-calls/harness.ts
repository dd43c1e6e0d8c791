// Measurement helpers shared by run.ts (the benchmark) and profile.ts (the investigation).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { threadCpuNs } from './thread-cpu.ts';
import type { SyncKind, SyncRequest, SyncResult } from './sync-worker.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const bootstrap = new URL('../../../packages/libvirt/src/worker/bootstrap.mjs', import.meta.url);
const syncEntry = new URL('./sync-worker.ts', import.meta.url).href;

/** An expected failure (missing tool, failed run): reported without a stack trace. */
export class BenchError extends Error {}
export function fail(msg: string): never {
  throw new BenchError(msg);
}

export function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) fail(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// C baseline

export interface CResult { impl: 'getInfo' | 'op'; calls: number; wallNsPerCall: number; cpuNsPerCall: number }

/** Compiles baseline.c with gcc -O2 -lvirt into `dir`; fails clearly without gcc or libvirt-dev. */
export function compileBaseline(dir: string): { bin: string; gcc: string } {
  const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) fail(`gcc is not available (${probe.error?.message ?? probe.stderr.trim()}). Install it: apt-get install gcc`);
  const bin = join(dir, 'baseline');
  const r = spawnSync('gcc', ['-O2', '-Wall', '-o', bin, join(here, 'baseline.c'), '-lvirt'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stderr}${r.error?.message ?? ''}`;
    const missing = /libvirt\/libvirt\.h|cannot find -lvirt/.test(out);
    fail(`compiling baseline.c failed${missing ? ': libvirt development files are missing. Install them: apt-get install libvirt-dev' : ''}\n${out.trim()}`);
  }
  return { bin, gcc: probe.stdout.split('\n')[0] ?? 'gcc' };
}

/** One invocation of the baseline: one getInfo and one op measurement. */
export function runC(bin: string, infoCalls: number, opCalls: number): CResult[] {
  const r = spawnSync(bin, [String(infoCalls), String(opCalls)], { encoding: 'utf8' });
  if (r.status !== 0) fail(`baseline exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as CResult);
}

// ---------------------------------------------------------------------------------------------
// synchronous koffi calls inside a Worker

export class SyncBench {
  private readonly worker = new Worker(bootstrap, { workerData: { entry: syncEntry } });
  readonly ready: Promise<void>;
  private waiting: ((r: SyncResult) => void) | null = null;

  constructor() {
    this.ready = new Promise((res, rej) => {
      this.worker.once('error', rej);
      this.worker.once('message', () => {
        this.worker.removeListener('error', rej);
        this.worker.on('message', (m: SyncResult) => { const w = this.waiting; this.waiting = null; w?.(m); });
        this.worker.on('error', (e) => {
          console.error(`libvirt-calls bench: the bench Worker failed: ${e.stack ?? e.message}`);
          process.exit(1);
        });
        res();
      });
    });
  }

  /** Runs n calls of one kind; resolves with ns per call (wall and the Worker thread's CPU). */
  async run(kind: SyncKind, n: number): Promise<{ wallNsPerCall: number; cpuNsPerCall: number }> {
    const r = await new Promise<SyncResult>((res) => {
      this.waiting = res;
      this.worker.postMessage({ kind, n } satisfies SyncRequest);
    });
    return { wallNsPerCall: r.wallNs / n, cpuNsPerCall: r.threadCpuNs / n };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// the call pool, from the main thread

/**
 * Counts the pool's reply messages without touching its code: a second 'message' listener on
 * each pool Worker. Reaches into CallPool's private `slots`; if that changes, the batch
 * columns are left empty and the rest of the bench still runs.
 */
export class PoolObserver {
  messages = 0;
  results = 0;
  perWorker: number[] = [];
  readonly ok: boolean;

  constructor(pool: unknown) {
    const slots = (pool as { slots?: { worker?: unknown }[] }).slots;
    this.ok = Array.isArray(slots) && slots.every((s) => s.worker instanceof Worker);
    if (!this.ok) {
      console.warn('note: CallPool internals changed; batch-size columns are not measured');
      return;
    }
    slots!.forEach((s, i) => {
      this.perWorker[i] = 0;
      (s.worker as Worker).on('message', (m: { results?: unknown[] }) => {
        if (!Array.isArray(m.results)) return;
        this.messages++;
        this.results += m.results.length;
        this.perWorker[i]! += m.results.length;
      });
    });
  }

  reset(): void {
    this.messages = 0;
    this.results = 0;
    this.perWorker = this.perWorker.map(() => 0);
  }
}

export interface Eld { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number; samples: number }

export interface PoolSample {
  calls: number;
  depth: number;
  wallNsPerCall: number;
  /** whole-process CPU per call */
  cpuNsPerCall: number;
  /** main-thread CPU per call (ns) and share of wall time the main thread was on a CPU */
  mainCpuNsPerCall: number;
  mainBusy: number;
  /** share of wall time the main thread was runnable but waiting for a CPU (/proc schedstat) */
  mainRunqueueWait: number | null;
  /** process CPU minus the main thread's, per call: the pool Workers (the other threads idle) */
  otherCpuNsPerCall: number;
  /** results per reply message from the pool Workers (= batch size), and calls per Worker */
  repliesPerMessage: number | null;
  perWorkerCalls: number[] | null;
  /** longest and total GC pause on the main thread during the sample (ms) */
  gcMaxMs: number;
  gcTotalMs: number;
  /** main-thread event-loop delay, when measured (depth > 1) */
  eld?: Eld;
}

/** The calling thread's time waiting on a run queue, in ns (Linux schedstat), or null. */
function runqueueWaitNs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return null;
  }
}

const gcPauses: { start: number; ms: number }[] = [];
let gcObserver: PerformanceObserver | null = null;
function watchGc(): void {
  if (gcObserver) return;
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
}
export function stopWatchingGc(): void {
  gcObserver?.disconnect();
  gcObserver = null;
}

export const ELD_RESOLUTION_MS = 1;

export function eldOf(h: ReturnType<typeof monitorEventLoopDelay>): Eld {
  const ms = (ns: number) => ns / 1e6;
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count };
}

/**
 * Runs n calls with `depth` of them in flight (depth 1: latency). With depth > 1 the main
 * thread's event-loop delay is measured meanwhile.
 */
export async function measurePool(call: () => Promise<unknown>, depth: number, n: number, obs: PoolObserver | null): Promise<PoolSample> {
  watchGc();
  const eld = depth > 1 ? monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS }) : null;
  obs?.reset();
  gcPauses.length = 0;
  eld?.enable();
  const perf0 = performance.now();
  const rq0 = runqueueWaitNs();
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuNs();
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: depth }, async () => {
    while (next < n) {
      next++;
      await call();
    }
  }));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const mainNs = threadCpuNs() - main0;
  const cpu = process.cpuUsage(cpu0);
  const rq1 = runqueueWaitNs();
  eld?.disable();
  await new Promise((r) => setImmediate(r)); // GC entries are delivered asynchronously
  const gc = gcPauses.filter((g) => g.start >= perf0).map((g) => g.ms);
  const procNs = (cpu.user + cpu.system) * 1000;
  return {
    calls: n, depth, wallNsPerCall: wallNs / n, cpuNsPerCall: procNs / n,
    mainCpuNsPerCall: mainNs / n,
    mainBusy: mainNs / wallNs,
    mainRunqueueWait: rq0 === null || rq1 === null ? null : (rq1 - rq0) / wallNs,
    otherCpuNsPerCall: (procNs - mainNs) / n,
    repliesPerMessage: obs?.ok && obs.messages > 0 ? obs.results / obs.messages : null,
    perWorkerCalls: obs?.ok ? [...obs.perWorker] : null,
    gcMaxMs: gc.length ? Math.max(...gc) : 0,
    gcTotalMs: gc.reduce((a, b) => a + b, 0),
    ...(eld && { eld: eldOf(eld) }),
  };
}

/** Event-loop delay of the idle main thread, as a reference for the saturated readings. */
export async function idleEld(ms: number): Promise<Eld> {
  const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return eldOf(h);
}

// ---------------------------------------------------------------------------------------------
// formatting

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const pct = (x: number): string => `${Math.round(x * 100)}%`;
/** ns values: no decimals from 100 up, one below. */
export const ns = (n: number): string => fmt(n, n >= 100 ? 0 : 1);

/** A Markdown table; `right` marks right-aligned (numeric) columns. */
export function table(header: string[], rows: string[][], right: boolean[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join(' | ')} |`;
  const rule = `|${w.map((n, i) => (right[i] ? `${'-'.repeat(n + 1)}:` : `:${'-'.repeat(n + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function rotate<T>(xs: T[], k: number): T[] {
  const i = k % xs.length;
  return [...xs.slice(i), ...xs.slice(0, i)];
}
