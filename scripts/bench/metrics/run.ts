// Benchmark: live stats fan-out (issue F4). 1,000 VMs on the test driver sampled every 2 s,
// each sample delivered to 100 WebSocket clients, for 5 minutes.
//
// Goals, judged over the measured window (after WARMUP):
//   1. server CPU ≤ 25 % of one core — all the server's threads (/proc/<pid>/stat) ÷ wall time;
//   2. RSS flat — no growth trend: least-squares slope of VmRSS sampled every 2 s, with its 95 %
//      interval; flat when the slope is below 0.2 MB/min (12 MB/h) or not distinguishable from
//      that. The warm-up lets V8 size its heaps first: under this allocation rate it grows the
//      main thread's young generation in steps up to the serve script's --max-semi-space-size
//      (heap total ~50 → ~104 MB, RSS ~195 → ~243 MB), which took 2–3 minutes after the clients
//      connected (a 15-minute run: flat after that, second half 0.04 ± 0.04 MB/min). A bounded
//      sizing every deployment goes through, not a trend; so the warm-up lasts at least WARMUP
//      and until the main heap's reserved size has held within 4 MB for 60 s (at most
//      WARMUP_MAX), and the output says how long it took and what RSS did meanwhile. The second
//      half's slope is printed too.
//      (Those sizes were read with the server still under tsx. Its first run from the bundle saw
//      no such growth: heap total 33 → 38 MB, resident young generation 0.3–2 MB, RSS ~180 MB,
//      warm-up 80 s; the rule stays, for runs where V8 does grow it.)
//      V8 also shrinks that young generation after a quiet spell and regrows it, page by page
//      (resident new space 30 → 59 MB over ~100 s in one run): when that falls inside the
//      window, RSS rises by it. So a diagnosis line fits the live heap and RSS minus the resident
//      young generation (that run: 0.18 ± 0.18 MB/min while RSS read 6.1): a leak grows one of
//      those. (RSS minus heap total is printed too, but heap total counts young-generation pages
//      V8 has reserved before they become resident, so it jumps ahead of RSS.);
//   3. event-loop delay p99 ≤ 20 ms — monitorEventLoopDelay (10 ms resolution) inside the server
//      over the whole window.
//
// Method. The server is a child process (server.ts: Ferry as main.ts builds it, file-backed
// SQLite, access log to a file; it defines and starts VMS domains on test:///default through
// the binding in its own process, and fills their stats records with realistic counters — see
// its header), so its CPU and memory are its own. It runs as `npm start` runs Ferry: this
// process first builds the libvirt Worker bundles (build-libvirt-workers.mjs), the
// synthetic-stats Worker's bundle (synth-build.ts) and a bundle of server.ts made by the
// server's own build (build-server.mjs, into scripts/bench/.out/metrics-server/: Ferry's
// sources and the test-support helpers server.ts imports bundled, node_modules packages
// imported from where they are), then forks that bundle under plain node with the serve
// script's flags. No tsx in the server: its loader, module-hooks thread and caches are memory
// Ferry does not have. No fallback either: when a bundle cannot be built, or the libvirt
// Worker bundles are not current after building, the run stops (exit 1) instead of measuring
// something else. This process is the clients: CLIENTS
// WebSockets on /api/v1/events, each a different user with its own token (an Auditor on '/'),
// subscribed to 'stats'. A client reads only the head of each message (type and `at`), so the
// clients stay cheap; one client parses every message fully and checks it has every VM.
// Delivery lag is receipt time − the message's `at` (same machine clock).
//
// Steady state (PREFILL=1, default): before the server starts, this process fills its metrics
// history to the retention bound — every tier of every VM and of the host holds its full
// `keep` buckets (prefill.ts; 1.7 M rows, ~165 MB for 1,000 VMs) — and the server opens that
// database as after a restart. Without it the history table grows for its first hour (the 10 s
// tier alone adds 1,000 rows per 10 s until it holds an hour), and with it whatever grows with
// the table (SQLite's page cache, bounded by cache_size): growth toward a bound that a running
// deployment has already reached, which a 5-minute window would read as a trend. With the
// prefill, each flush appends and prunes as many rows, as in production after the first hour.
// PREFILL=0 measures a server on an empty history (a first start).
//
// If the server has no events plugin (/api/v1/events answers 404), the run measures the
// sampler, the history and the publish call without clients, and says so.
//
// Run: pnpm exec tsx scripts/bench/metrics/run.ts
// Env: NODE_FLAGS (the server's node flags instead of the serve script's),
//      DURATION (300 s), WARMUP (60 s, minimum), WARMUP_MAX (360 s), VMS (1000), CLIENTS (100), INTERVAL_S (2), SYNTH (1), PREFILL (1).
//      Short run: DURATION=30 WARMUP=10. Raw results: scripts/bench/.out/metrics-fanout.json.
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { printVerdicts, type Verdict } from '../report.ts';
import { BenchError, cpuOf, envInt, fmt, machineBusyNs, memOf, repo, serveNodeFlags, sleep, table } from '../server-requests/harness.ts';
import { linearFit, quantile } from './stats.ts';
import { prefillHistory } from './prefill.ts';
import { openDatabase } from '../../../apps/server/src/db/database.ts';
import { bundleState as libvirtBundleState } from '../../../packages/libvirt/src/worker/entry.ts';
import { buildLibvirtWorkers } from '../../setup/build-libvirt-workers.mjs';
import { buildServer } from '../../setup/build-server.mjs';
import { buildSynthWorker } from './synth-build.ts';

const cfg = {
  durationS: envInt('DURATION', 300),
  warmupS: envInt('WARMUP', 60),
  warmupMaxS: envInt('WARMUP_MAX', 360),
  vms: envInt('VMS', 1000),
  clients: envInt('CLIENTS', 100),
  intervalS: envInt('INTERVAL_S', 2),
  synth: process.env.SYNTH !== '0',
  prefill: process.env.PREFILL !== '0',
};
const GOALS = { cpuShare: 0.25, rssSlopeMbPerMin: 0.2, eldP99Ms: 20 };
// The server's node flags: the serve script's (what `pnpm start` runs), or NODE_FLAGS instead
// to compare heap settings (e.g. NODE_FLAGS='' for V8's default young generation). The server
// is a bundle (see the header): plain node, no loader.
const serverFlags = process.env.NODE_FLAGS === undefined ? serveNodeFlags().flags : process.env.NODE_FLAGS.split(/\s+/).filter(Boolean);
const outFile = join(repo, 'scripts/bench/.out/metrics-fanout.json');
const serverOutDir = join(repo, 'scripts/bench/.out/metrics-server');

/**
 * The bundles the server runs from (see the header): its own, the libvirt Workers', the
 * synthetic-stats Worker's. Any failure is the run's: no falling back to TypeScript.
 */
async function buildBundles(): Promise<{ server: string; synthWorker: string | null; built: string }> {
  const step = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new BenchError(`cannot build ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const workers = await step('the libvirt Worker bundles', () => buildLibvirtWorkers());
  // entry.ts decides the same way in the server: a stale bundle would start its Workers through tsx.
  if (libvirtBundleState().state !== 'fresh') throw new BenchError('the libvirt Worker bundles (packages/libvirt/dist) are not current after building them');
  const server = await step('the server bundle', () => buildServer({ outDir: serverOutDir, entries: { server: 'scripts/bench/metrics/server.ts' } }));
  const synthWorker = cfg.synth ? await step('the synthetic-stats Worker', () => buildSynthWorker()) : null;
  return {
    server: join(serverOutDir, server.manifest.bundles.server!),
    synthWorker,
    built: `server ${server.built ? 'built' : 'current'}, libvirt Workers ${workers.built ? 'built' : 'current'}${synthWorker ? ', synthetic-stats Worker built' : ''}`,
  };
}

// ws (a root devDependency) ships no types and @types/ws lives in apps/server: the few calls
// used here, typed by hand.
interface Ws {
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  once(event: 'unexpected-response', cb: (req: unknown, res: { statusCode?: number }) => void): void;
  once(event: 'error', cb: (err: Error) => void): void;
  once(event: 'message', cb: () => void): void;
  send(data: string): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, opts: { headers: Record<string, string> }) => Ws;

interface Ready { port: number; tokens: string[]; vms: number; setupS: number; events: boolean; synth: boolean }
type Report = Record<string, unknown> & { type: string; eld: { p50: number; p99: number; max: number }; heapUsedMb: number; rssMb: number };

class Client {
  messages = 0;
  bytes = 0;
  lags: number[] = [];
  fullChecks = { messages: 0, vmsMin: Infinity };
  closed: string | null = null;
  constructor(readonly ws: Ws, readonly parseAll: boolean) {
    ws.on('message', (data) => {
      const now = Date.now();
      // {"type":"stats","hostId":"local","at":"…": the head says what it is and when.
      const head = data.subarray(0, 80).toString('latin1');
      if (!head.startsWith('{"type":"stats"')) return;
      this.messages++;
      this.bytes += data.length;
      const i = head.indexOf('"at":"');
      if (i >= 0) this.lags.push(now - Date.parse(head.slice(i + 6, i + 30)));
      if (this.parseAll) {
        const m = JSON.parse(data.toString('utf8')) as { vms: unknown[] };
        this.fullChecks.messages++;
        this.fullChecks.vmsMin = Math.min(this.fullChecks.vmsMin, m.vms.length);
      }
    });
    ws.on('close', (code, reason) => { this.closed = `${code} ${String(reason)}`; });
  }
  reset(): void { this.messages = 0; this.bytes = 0; this.lags = []; this.fullChecks = { messages: 0, vmsMin: Infinity }; }

  static open(port: number, token: string, parseAll: boolean): Promise<Client> {
    return new Promise((ok, fail) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { authorization: token } });
      ws.once('unexpected-response', (_req, res) => fail(new BenchError(`upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', fail);
      ws.once('message', () => { // hello
        ws.send(JSON.stringify({ type: 'subscribe', topics: ['stats'] }));
        ok(new Client(ws, parseAll));
      });
    });
  }
}

interface HeapReport { at: number; heapTotalMb: number; rssMb: number }

/**
 * The server's resident memory by kind of mapping (/proc/<pid>/smaps), MB: glibc's thread arenas
 * (a 64 MB-aligned read-write mapping whose reserved remainder makes it 64 MB), the brk heap
 * (the main thread's arena), the rest of anonymous memory (every thread's V8 heap pages, mmapped
 * buffers) and file-backed pages (node, shared libraries, SQLite's -shm). A diagnosis of where
 * RSS grows.
 */
interface Mappings { tMin: number; arenas: number; brk: number; anonOther: number; file: number; shm: number }
function mappingsOf(pid: number, tMin: number): Mappings {
  const out: Mappings = { tMin, arenas: 0, brk: 0, anonOther: 0, file: 0, shm: 0 };
  const maps: { s: bigint; e: bigint; perm: string; name: string; rss: number }[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h) maps.push({ s: BigInt(`0x${h[1]}`), e: BigInt(`0x${h[2]}`), perm: h[3]!, name: h[4]!.trim(), rss: 0 });
    else if (line.startsWith('Rss:')) maps.at(-1)!.rss = Number(line.split(/\s+/)[1]) / 1024;
  }
  const ARENA = 64n << 20n;
  maps.forEach((m, i) => {
    if (m.name === '[heap]') out.brk += m.rss;
    else if (m.name.endsWith('-shm')) out.shm += m.rss;
    else if (m.name && !m.name.startsWith('[')) out.file += m.rss;
    else if (m.name) out.anonOther += m.rss; // [stack] and the like
    else {
      const next = maps[i + 1];
      const span = m.e - m.s + (next && next.perm === '---p' && next.s === m.e && !next.name ? next.e - next.s : 0n);
      if (m.s % ARENA === 0n && m.perm.startsWith('rw') && span === ARENA) out.arenas += m.rss;
      else out.anonOther += m.rss;
    }
  });
  return out;
}

function startServer(dataDir: string, bundles: { server: string; synthWorker: string | null }): Promise<{ child: ChildProcess; ready: Ready; reports: Report[]; heaps: HeapReport[]; final: Promise<Report> }> {
  const child = fork(bundles.server, [], {
    execArgv: serverFlags,
    env: {
      ...process.env, DATA_DIR: dataDir, VMS: String(cfg.vms), CLIENTS: String(cfg.clients), INTERVAL_S: String(cfg.intervalS), SYNTH: cfg.synth ? '1' : '0',
      ...(bundles.synthWorker ? { SYNTH_WORKER: bundles.synthWorker } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reports: Report[] = [];
  const heaps: HeapReport[] = [];
  let finalResolve!: (r: Report) => void;
  const final = new Promise<Report>((r) => { finalResolve = r; });
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new BenchError(`the server exited early (code ${code})`)));
    child.on('message', (m: Report | (Ready & { type: string })) => {
      if (m.type === 'ready') ok({ child, ready: m as Ready, reports, heaps, final });
      else if (m.type === 'heap') heaps.push(m as unknown as HeapReport);
      else if (m.type === 'window') reports.push(m as Report);
      else if (m.type === 'final') finalResolve(m as Report);
    });
  });
}

/** Warm-up (see the header): at least WARMUP, then until the main heap's reserved size held within 4 MB for 60 s, at most WARMUP_MAX. */
async function warmUp(pid: number, heaps: HeapReport[]): Promise<{ seconds: number; settled: boolean; rssFrom: number; rssTo: number; heapFrom: number; heapTo: number }> {
  const t0 = Date.now();
  const rssFrom = memOf(pid).rssKb / 1024;
  let settled = false;
  for (;;) {
    await sleep(2000);
    const s = (Date.now() - t0) / 1000;
    if (s < cfg.warmupS) continue;
    const last = heaps.filter((h) => h.at >= Date.now() - 60_000 && h.at >= t0);
    const span = Math.max(...last.map((h) => h.heapTotalMb)) - Math.min(...last.map((h) => h.heapTotalMb));
    if (s >= 60 && last.length >= 5 && span <= 4) { settled = true; break; }
    if (s >= cfg.warmupMaxS) break;
  }
  const heapFrom = (heaps.findLast((h) => h.at <= t0) ?? heaps.find((h) => h.at > t0))?.heapTotalMb ?? NaN;
  return { seconds: (Date.now() - t0) / 1000, settled, rssFrom, rssTo: memOf(pid).rssKb / 1024, heapFrom, heapTo: heaps.at(-1)?.heapTotalMb ?? NaN };
}

/** The steady-state history (see the header), for VM uuids the server then defines (bench-vms.json). */
function prefillData(dataDir: string): { rows: number; dbMb: number; seconds: number } {
  const t = performance.now();
  const uuids = Array.from({ length: cfg.vms }, () => randomUUID());
  const db = openDatabase(dataDir);
  const rows = prefillHistory(db, [...uuids.map((ref) => ({ kind: 'vm' as const, ref })), { kind: 'host' as const, ref: 'local' }], Date.now());
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  writeFileSync(join(dataDir, 'bench-vms.json'), JSON.stringify(uuids));
  const out = { rows, dbMb: statSync(join(dataDir, 'ferry.db')).size / 2 ** 20, seconds: (performance.now() - t) / 1000 };
  console.log(`Prefill: metrics history at its retention bound (steady state): ${fmt(rows)} rows, ferry.db ${fmt(out.dbMb)} MB, in ${fmt(out.seconds, 1)} s — the server opens it as after a restart (PREFILL=0: empty history)`);
  return out;
}

async function main(): Promise<void> {
  const run = { started: Date.now(), load0: loadavg() };
  const bundles = await buildBundles();
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-bench-metrics-'));
  console.log(`Fan-out: ${cfg.vms} VMs on test:///default, every ${cfg.intervalS} s, ${cfg.clients} clients, ${cfg.durationS} s measured after a warm-up of ${cfg.warmupS}–${cfg.warmupMaxS} s (until V8's heap sizing settles); server node flags: ${serverFlags.join(' ')}${process.env.NODE_FLAGS === undefined ? ' (the serve script\'s)' : ' (NODE_FLAGS)'}`);
  console.log(`bundles (the server runs under plain node): ${bundles.built}; server: ${relative(process.cwd(), bundles.server)}`);
  let prefill: { rows: number; dbMb: number; seconds: number } | null = null;
  if (cfg.prefill) prefill = prefillData(dataDir);
  const { child, ready, reports, heaps, final } = await startServer(dataDir, bundles);
  const pid = child.pid!;
  const stop = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } rmSync(dataDir, { recursive: true, force: true }); };
  process.on('SIGINT', () => { stop(); process.exit(130); });
  try {
    console.log(`server pid ${pid} ready in ${ready.setupS.toFixed(1)} s (${ready.vms} domains defined and started; events plugin: ${ready.events ? 'yes' : 'NO'})`);
    const clients: Client[] = [];
    if (ready.events) {
      for (let i = 0; i < cfg.clients; i++) clients.push(await Client.open(ready.port, ready.tokens[i]!, i === 0));
    }
    const warm = await warmUp(pid, heaps);
    console.log(`warm-up: ${fmt(warm.seconds)} s${warm.settled ? '' : ` (the main heap's reserved size had not settled by WARMUP_MAX: measuring anyway)`}; `
      + `meanwhile RSS ${fmt(warm.rssFrom, 1)} → ${fmt(warm.rssTo, 1)} MB and the main V8 heap's reserved size ${fmt(warm.heapFrom)} → ${fmt(warm.heapTo)} MB`);
    for (const c of clients) c.reset();
    child.send({ type: 'measure' });
    const cpu0 = cpuOf(pid);
    const busy0 = machineBusyNs();
    const t0 = Date.now();
    const rss: { tMin: number; mb: number }[] = [];
    const mappings: Mappings[] = [];
    while (Date.now() - t0 < cfg.durationS * 1000) {
      rss.push({ tMin: (Date.now() - t0) / 60_000, mb: memOf(pid).rssKb / 1024 });
      if (rss.length % 5 === 1) mappings.push(mappingsOf(pid, rss.at(-1)!.tMin)); // every 10 s
      await sleep(2000);
    }
    const wallNs = (Date.now() - t0) * 1e6;
    const cpu1 = cpuOf(pid);
    const busy1 = machineBusyNs();
    child.send({ type: 'stop' });
    const fin = await final;
    for (const c of clients) c.ws.terminate();

    const cpuShare = (cpu1.processNs - cpu0.processNs) / wallNs;
    const mainShare = (cpu1.mainRunNs - cpu0.mainRunNs) / wallNs;
    const othersShare = (busy1 - busy0 - (cpu1.processNs - cpu0.processNs)) / wallNs;
    const fit = linearFit(rss.map((r) => r.tMin), rss.map((r) => r.mb));
    const late = rss.slice(rss.length >> 1);
    const lateFit = linearFit(late.map((r) => r.tMin), late.map((r) => r.mb));
    // RSS = the main V8 heap's reserved size (which V8 grows and shrinks with its young
    // generation) + everything else. A leak shows as growth of the live heap or of the rest.
    const windows = reports.filter((r) => typeof (r as { heapTotalMb?: number }).heapTotalMb === 'number') as (Report & { heapTotalMb: number; at: number })[];
    const wMin = windows.map((r) => (r.at - t0) / 60_000);
    const liveFit = linearFit(wMin, windows.map((r) => r.heapUsedMb));
    const restFit = linearFit(wMin, windows.map((r) => r.rssMb - r.heapTotalMb));
    // RSS without the main thread's young generation, which V8 grows to the serve script's
    // --max-semi-space-size under this load and shrinks again when the memory reducer sees a
    // quiet spell: a bounded swing of up to ~60 MB that a 5-minute fit can read as a slope.
    const withoutYoung = windows.filter((r) => Number.isFinite((r as { newSpaceMb?: number }).newSpaceMb));
    const oldFit = withoutYoung.length > 2
      ? linearFit(withoutYoung.map((r) => (r.at - t0) / 60_000), withoutYoung.map((r) => r.rssMb - (r as unknown as { newSpaceMb: number }).newSpaceMb))
      : null;
    const young = withoutYoung.map((r) => (r as unknown as { newSpaceMb: number }).newSpaceMb);
    const synthHeap = windows.map((r) => (r as { synthHeapMb?: number | null }).synthHeapMb).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    // Ferry's own trend: RSS without the benchmark's synthetic-stats Worker's V8 heap (its reserved
    // size at its last answer, ≤ 2 s old), which swings in the server's RSS but is not Ferry's
    // (server.ts's header). A diagnosis; the RSS verdict still judges RSS itself.
    const withSynth = windows.filter((r) => Number.isFinite((r as { synthHeapMb?: number | null }).synthHeapMb ?? NaN));
    const ferryFit = withSynth.length > 2
      ? linearFit(withSynth.map((r) => (r.at - t0) / 60_000), withSynth.map((r) => r.rssMb - (r as unknown as { synthHeapMb: number }).synthHeapMb))
      : null;
    const mainWaitShare = (cpu1.mainWaitNs - cpu0.mainWaitNs) / wallNs;
    const noTrend = (f: { slope: number; ci95: number }) => f.slope <= GOALS.rssSlopeMbPerMin || f.slope - f.ci95 <= GOALS.rssSlopeMbPerMin;
    const expected = Math.floor(cfg.durationS / cfg.intervalS);
    const lags = clients.flatMap((c) => c.lags);
    const received = clients.map((c) => c.messages);
    const eld = fin.run as { p50: number; p99: number; p999: number; max: number };

    console.log('\nServer, per report window\n');
    console.log(table(['t (s)', 'ELD p50 ms', 'ELD p99 ms', 'ELD max ms', 'heap used/total MB', 'RSS MB', 'round p50 ms', 'flush p50 ms', 'flush max ms', 'publish p50 ms', 'publish max ms', 'msgs'],
      [...reports, fin].map((r) => {
        const x = r as Report & { heapTotalMb: number; roundMs: { p50: number }; flushMs: { p50: number; max: number }; publishMs: { p50: number; max: number }; messages: number };
        return [fmt((Number(x.at) - t0) / 1000), fmt(x.eld.p50, 1), fmt(x.eld.p99, 1), fmt(x.eld.max, 1), `${fmt(x.heapUsedMb)}/${fmt(x.heapTotalMb)}`, fmt(x.rssMb, 1),
          fmt(x.roundMs.p50, 1), fmt(x.flushMs.p50, 1), fmt(x.flushMs.max, 1), fmt(x.publishMs.p50, 1), fmt(x.publishMs.max, 1), fmt(x.messages)];
      }), [true, true, true, true, true, true, true, true, true, true, true, true]));
    if (clients.length) {
      console.log(`\nClients: ${clients.length}; stats messages each ${fmt(Math.min(...received))}–${fmt(Math.max(...received))} of ~${expected} sampled; `
        + `${fmt(clients.reduce((s, c) => s + c.bytes, 0) / 2 ** 20 / cfg.durationS, 1)} MB/s in total; delivery lag p50 ${fmt(quantile(lags, 0.5))} ms, p99 ${fmt(quantile(lags, 0.99))} ms, max ${fmt(Math.max(...lags))} ms; `
        + `client 0 parsed ${clients[0]!.fullChecks.messages}, each with ≥ ${clients[0]!.fullChecks.vmsMin} VMs; closed: ${clients.filter((c) => c.closed).length}`);
    }
    console.log(`RSS: ${fmt(rss[0]!.mb, 1)} MB → ${fmt(rss.at(-1)!.mb, 1)} MB, slope ${fmt(fit.slope, 3)} ± ${fmt(fit.ci95, 3)} MB/min (95 %), second half ${fmt(lateFit.slope, 3)} ± ${fmt(lateFit.ci95, 3)} MB/min; DB rows ${fmt(Number(fin.dbRows))} (${prefill ? `prefilled to steady state: ${fmt(prefill.rows)}` : 'history started empty'})`);

    // Where RSS went: smaps by kind of mapping, and every thread's V8 heap (server.ts asks each
    // Worker through the inspector). A diagnosis, not a verdict.
    const slopeOf = (pts: { t: number; v: number }[]) => {
      const f = linearFit(pts.map((p) => p.t), pts.map((p) => p.v));
      return `${fmt(pts[0]?.v ?? NaN, 1)}→${fmt(pts.at(-1)?.v ?? NaN, 1)} MB (${fmt(f.slope, 2)} ± ${fmt(f.ci95, 2)}/min)`;
    };
    const byMap = (k: keyof Omit<Mappings, 'tMin'>) => slopeOf(mappings.map((m) => ({ t: m.tMin, v: m[k] })));
    const wh = windows.map((w) => ({ t: (w.at - t0) / 60_000, heaps: ((w as { workerHeaps?: Record<string, { totalMb: number }> }).workerHeaps ?? {}) }));
    // The benchmark's own thread: synth-worker.mjs (its bundle). A tsx module-hooks thread
    // (esm/worker) would be the benchmark's too, but the server runs from a bundle (see the
    // header): one listed here means something in the server still loaded TypeScript.
    const isSynth = (label: string) => label.includes('synth-worker');
    const isLoader = (label: string) => label.includes('esm/worker');
    const sumHeaps = (pick: (label: string) => boolean) => wh.map((w) => ({ t: w.t, v: Object.entries(w.heaps).filter(([k]) => pick(k)).reduce((a, [, h]) => a + h.totalMb, 0) }));
    // Every Worker the server's window reports named (server.ts: w<id>:<last two path parts of its URL>).
    const workerLabels = [...new Set(wh.flatMap((w) => Object.keys(w.heaps)))];
    const loaders = workerLabels.filter(isLoader);
    console.log(`RSS by mapping (smaps every 10 s): glibc thread arenas ${byMap('arenas')}, brk heap ${byMap('brk')}, other anonymous (V8 heaps of every thread, mmapped buffers) ${byMap('anonOther')}, `
      + `file-backed ${byMap('file')}, SQLite -shm ${byMap('shm')}`);
    console.log(`V8 heaps (reserved): main ${slopeOf(windows.map((w) => ({ t: (w.at - t0) / 60_000, v: w.heapTotalMb })))}, `
      + `Ferry's Workers (${workerLabels.filter((l) => !isSynth(l) && !isLoader(l)).join(', ')}) ${slopeOf(sumHeaps((l) => !isSynth(l) && !isLoader(l)))}, `
      + `the benchmark's: synthetic-stats Worker ${slopeOf(sumHeaps(isSynth))}; `
      + (loaders.length ? `tsx loader threads (${loaders.join(', ')}) ${slopeOf(sumHeaps(isLoader))}: the server loaded TypeScript somewhere` : 'no tsx loader thread'));
    if (ferryFit) {
      console.log(`Ferry's own trend: RSS − the synthetic-stats Worker's V8 heap (${fmt(Math.min(...synthHeap), 1)}–${fmt(Math.max(...synthHeap), 1)} MB) `
        + `${fmt(ferryFit.slope, 3)} ± ${fmt(ferryFit.ci95, 3)} MB/min (95 %, ${withSynth.length} report windows; a diagnosis, the RSS verdict judges RSS)`);
    }

    const flat = noTrend(fit);
    const verdicts: Verdict[] = [
      { goal: `server CPU ≤ ${GOALS.cpuShare * 100}% of one core`, measured: `${fmt(cpuShare * 100, 1)}% (main thread ${fmt(mainShare * 100, 1)}%)`, pass: cpuShare <= GOALS.cpuShare,
        note: `all threads of pid ${pid} over ${cfg.durationS} s; other processes used ${fmt(othersShare * 100)}% of one core meanwhile (the clients are one of them)` },
      { goal: 'RSS flat (no growth trend)', measured: `slope ${fmt(fit.slope, 3)} ± ${fmt(fit.ci95, 3)} MB/min`, pass: flat,
        note: `least squares over ${rss.length} VmRSS samples after the warm-up; flat = slope ≤ ${GOALS.rssSlopeMbPerMin} MB/min, or within its 95 % interval; second half ${fmt(lateFit.slope, 3)} ± ${fmt(lateFit.ci95, 3)} MB/min` },
      { goal: 'no memory growth behind RSS (diagnosis of the line above)',
        measured: `live heap ${fmt(liveFit.slope, 2)} ± ${fmt(liveFit.ci95, 2)} MB/min, `
          + (oldFit ? `RSS − the main heap's young generation ${fmt(oldFit.slope, 2)} ± ${fmt(oldFit.ci95, 2)} MB/min` : `RSS − heap total ${fmt(restFit.slope, 2)} ± ${fmt(restFit.ci95, 2)} MB/min`)
          + (ferryFit ? `, RSS − the synthetic-stats Worker's heap ${fmt(ferryFit.slope, 2)} ± ${fmt(ferryFit.ci95, 2)} MB/min (shown, not judged)` : ''),
        pass: noTrend(liveFit) && noTrend(oldFit ?? restFit),
        note: `${oldFit ? `young generation (resident) ${fmt(Math.min(...young))}–${fmt(Math.max(...young))} MB; RSS − heap total ${fmt(restFit.slope, 2)} ± ${fmt(restFit.ci95, 2)} MB/min `
          + '(heap total counts the young generation V8 has reserved, whose pages become resident only as they are used, so it jumps before RSS follows); ' : ''}`
          + (synthHeap.length ? `the benchmark's synthetic-stats Worker's heap (in RSS, not Ferry's) ${fmt(Math.min(...synthHeap))}–${fmt(Math.max(...synthHeap))} MB; ` : '')
          + `from the server's ${windows.length} report windows: heap used (live JS data, sampled anywhere in the GC cycle) and what RSS holds beyond the main heap's reserved size (workers' heaps, SQLite, buffers, code); heap total itself moved ${fmt(Math.min(...windows.map((w) => w.heapTotalMb)))}–${fmt(Math.max(...windows.map((w) => w.heapTotalMb)))} MB` },
      { goal: `event-loop delay p99 ≤ ${GOALS.eldP99Ms} ms`, measured: `p99 ${fmt(eld.p99, 1)} ms (p50 ${fmt(eld.p50, 1)}, p99.9 ${fmt(eld.p999, 1)}, max ${fmt(eld.max, 1)})`, pass: eld.p99 <= GOALS.eldP99Ms,
        note: `monitorEventLoopDelay in the server, 10 ms resolution (a sample is the whole interval between ticks: an idle loop reads 10 ms), the whole measured window; the main thread was runnable but waiting for a CPU ${fmt(mainWaitShare * 100, 1)}% of the time` },
    ];
    if (!ready.events) verdicts.push({ goal: 'fan-out to WebSocket clients', measured: 'not measured', pass: false, note: 'the server has no events plugin: sampler, history and publish only' });
    const machine = printVerdicts(verdicts, run);
    mkdirSync(join(repo, 'scripts/bench/.out'), { recursive: true });
    writeFileSync(outFile, JSON.stringify({
      config: { ...cfg, serverFlags }, prefill, warmup: { ...warm, heaps }, ready: { ...ready, tokens: undefined }, machine, verdicts, cpu: { cpuShare, mainShare, othersShare },
      rss, mappings, rssFit: fit, rssLateFit: lateFit, rssWithoutYoungFit: oldFit, rssWithoutSynthFit: ferryFit, eld, reports, final: fin,
      clients: { received, bytes: clients.map((c) => c.bytes), lag: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: Math.max(...lags) }, closed: clients.filter((c) => c.closed).map((c) => c.closed) },
    }, null, 1));
    console.log(`raw results: ${relative(process.cwd(), outFile)}`);
  } finally {
    stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof BenchError ? `bench: ${e.message}` : e);
  process.exit(1);
});
