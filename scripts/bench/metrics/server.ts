// The server side of the fan-out benchmark (run.ts starts it as a child process and measures
// it from outside): Ferry as main.ts builds it — file-backed SQLite in a fresh data dir, the
// access log at info level to a file, plain HTTP on 127.0.0.1 — with host 'local' on
// test:///default, where this process defines and starts VMS domains through the binding (the
// test driver is in-process: they exist only here).
//
// The test driver's getAllDomainStats answers only the state group. So that the sampler
// derives from what a real qemu host returns, SYNTH=1 (default) answers the sampler's call
// from a Worker of this benchmark (synth-worker.ts) with the ~50 params the qemu driver reports
// for a guest with one disk and one NIC (cpu.*, balloon.*, vcpu.*, block.0.*, net.0.*),
// advancing like a busy guest's: libvirt's real answer decoded there by the binding's own op,
// filled in, then packed and transferred as Ferry's pool Worker does (packed-stats.ts), so
// the main thread receives and pays for exactly what it would from a qemu host. That Worker is
// the benchmark's, not Ferry's: it runs from an esbuild bundle of synth-worker.ts that run.ts
// builds (synth-build.ts) and names in SYNTH_WORKER (no tsx on its thread, no esbuild in this
// process), yet its heap alone swings ~10–25 MB over a few minutes (smaps and per-Worker heaps)
// — RSS a deployment does not have, which the window reports list per Worker (workerHeaps) so
// run.ts can show it apart from Ferry's.
//
// This file runs as `npm start` runs main.ts: run.ts bundles it with the server's own build
// (scripts/setup/build-server.mjs: Ferry's sources and the test-support helpers it imports
// bundled, node_modules packages imported from where they are) into
// scripts/bench/.out/metrics-server/ and forks that under plain node with the serve script's
// flags. Through tsx the process held tsx's loader, its module-hooks thread (an isolate of its
// own, whose heap grew slowly) and its caches: memory in the measured RSS that Ferry does not
// have. The libvirt Workers run from their bundles (run.ts builds them first), as in `npm start`.
//
// Talks to run.ts over IPC: sends `ready` {port, tokens, setupS}; on `measure` starts its
// counters; every REPORT_S sends `window` {event-loop delay percentiles, heap, sampler
// timings}; on `stop` sends `final` and exits.
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Session } from 'node:inspector';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../../apps/server/src/app.ts';
import { loadConfig } from '../../../apps/server/src/config.ts';
import { openDatabase } from '../../../apps/server/src/db/database.ts';
import { createUser, tokenFor } from '../../../apps/server/src/test-support/auth-helpers.ts';
import { SynthStatsWorker } from './synth-client.ts';

const env = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const VMS = env('VMS', 1000);
const USERS = env('CLIENTS', 100);
const INTERVAL_S = env('INTERVAL_S', 2);
const REPORT_S = env('REPORT_S', 10);
const SYNTH = process.env.SYNTH !== '0';
const SYNTH_WORKER = process.env.SYNTH_WORKER;
if (SYNTH && !SYNTH_WORKER) throw new Error('SYNTH=1 needs SYNTH_WORKER, the synthetic-stats Worker\'s bundle (run.ts builds it)');
const dataDir = process.env.DATA_DIR!;
const send = (m: object) => process.send!(m);

mkdirSync(dataDir, { recursive: true });
const config = loadConfig({
  FERRY_INSECURE_HTTP: '1', FERRY_DATA_DIR: dataDir, FERRY_LIBVIRT_URI: 'test:///default', FERRY_LISTEN: '127.0.0.1',
  FERRY_STATS_INTERVAL_S: String(INTERVAL_S), FERRY_LOG_LEVEL: 'info',
});
const db = openDatabase(dataDir);
const app = await buildApp({ config, db, logDestination: createWriteStream(`${dataDir}/server.log`) });
const t0 = performance.now();
await app.ready();
await app.hosts.get('local').waitConnected(10_000);
const conn = app.hosts.get('local').requireConnection();

// ---- domains: defined and started through the binding, in batches the pool can overlap
const xml = (name: string, uuid: string) => `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>2</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
// run.ts's prefilled history (PREFILL=1) is for these uuids.
const uuids = existsSync(`${dataDir}/bench-vms.json`) ? JSON.parse(readFileSync(`${dataDir}/bench-vms.json`, 'utf8')) as string[] : [];
for (let i = 0; i < VMS; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, VMS - i) }, async (_, j) => {
    const ref = await conn.defineDomain(xml(`bench-${String(i + j).padStart(4, '0')}`, uuids[i + j] ?? randomUUID()));
    await conn.domain(ref.uuid).start();
  }));
}

// ---- realistic records (see the header)
const synth = SYNTH ? new SynthStatsWorker(SYNTH_WORKER!) : null;

// ---- instrumentation: timings of the sampler's pieces, without changing them
const stats = { rounds: [] as number[], flushes: [] as number[], flushRows: 0, publishes: [] as number[], vmsPerMessage: 0, messages: 0 };
const origStats = synth ? synth.getAllDomainStatsPacked.bind(synth) : conn.getAllDomainStatsPacked.bind(conn);
conn.getAllDomainStatsPacked = async (groups, flags, keep) => {
  const t = performance.now();
  const packed = await origStats(groups, flags, keep);
  stats.rounds.push(performance.now() - t);
  return packed;
};
const history = app.metrics.history;
const origFlush = history.flush.bind(history);
history.flush = (nowMs: number) => {
  const t = performance.now();
  const rows = origFlush(nowMs);
  stats.flushes.push(performance.now() - t);
  stats.flushRows += rows;
  return rows;
};
if (app.hasDecorator('events')) {
  const bus = app.events;
  const origPublish = bus.publishStats.bind(bus);
  bus.publishStats = (msg) => {
    const t = performance.now();
    origPublish(msg);
    stats.publishes.push(performance.now() - t);
    stats.messages++;
    stats.vmsPerMessage = msg.vms.length;
  };
}

// ---- clients' credentials: one user and token each (the events socket caps sockets per user)
const tokens: string[] = [];
for (let i = 0; i < USERS; i++) {
  const username = `bench-client-${i}`;
  await createUser(app, { username, role: 'Auditor' });
  tokens.push((await tokenFor(app, username)).authorization!);
}
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;

const eldWindow = monitorEventLoopDelay({ resolution: 10 });
const eldRun = monitorEventLoopDelay({ resolution: 10 });
const ms = (ns: number) => ns / 1e6;
const q = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
let reporter: NodeJS.Timeout | null = null;

// Every Worker's V8 heap (Ferry's pool and event Workers, the synthetic-stats Worker), through the
// inspector's NodeWorker domain (Runtime.getHeapUsage: used and total, per isolate) — Node 20 has
// no Worker.getHeapStatistics. A diagnosis of what RSS holds beyond the main heap.
const inspector = new Session();
inspector.connect();
const workerSessions = new Map<string, string>(); // sessionId → label
const pendingHeap = new Map<number, (v: { usedSize: number; totalSize: number } | null) => void>();
let inspectorMsgId = 0;
inspector.on('NodeWorker.attachedToWorker', (m) => {
  const p = m.params as { sessionId: string; workerInfo: { workerId: string; url: string; title: string } };
  workerSessions.set(p.sessionId, `w${p.workerInfo.workerId}:${p.workerInfo.url.split('/').slice(-2).join('/') || p.workerInfo.title}`);
});
inspector.on('NodeWorker.detachedFromWorker', (m) => { workerSessions.delete((m.params as { sessionId: string }).sessionId); });
inspector.on('NodeWorker.receivedMessageFromWorker', (m) => {
  const reply = JSON.parse((m.params as { message: string }).message) as { id?: number; result?: { usedSize: number; totalSize: number } };
  if (reply.id !== undefined) { pendingHeap.get(reply.id)?.(reply.result ?? null); pendingHeap.delete(reply.id); }
});
inspector.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
function workerHeaps(): Promise<Record<string, { usedMb: number; totalMb: number }>> {
  return Promise.all([...workerSessions].map(([sessionId, label]) => new Promise<[string, { usedMb: number; totalMb: number } | null]>((ok) => {
    const id = ++inspectorMsgId;
    const timer = setTimeout(() => { pendingHeap.delete(id); ok([label, null]); }, 1000);
    pendingHeap.set(id, (v) => { clearTimeout(timer); ok([label, v && { usedMb: v.usedSize / 2 ** 20, totalMb: v.totalSize / 2 ** 20 }]); });
    inspector.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
  }))).then((xs) => Object.fromEntries(xs.filter((x): x is [string, { usedMb: number; totalMb: number }] => x[1] !== null)));
}
let lastWorkerHeaps: Record<string, { usedMb: number; totalMb: number }> = {};
setInterval(() => { void workerHeaps().then((h) => { lastWorkerHeaps = h; }); }, 5000).unref();
function windowReport() {
  const m = process.memoryUsage();
  const out = {
    type: 'window', at: Date.now(),
    eld: { p50: ms(eldWindow.percentile(50)), p99: ms(eldWindow.percentile(99)), max: ms(eldWindow.max) },
    heapUsedMb: m.heapUsed / 2 ** 20, heapTotalMb: m.heapTotal / 2 ** 20, rssMb: m.rss / 2 ** 20, externalMb: m.external / 2 ** 20,
    // The young generation: what V8 resizes between its minimum and --max-semi-space-size.
    synthHeapMb: synth?.heapMb ?? null, // the benchmark's own Worker (synth-worker.ts), not Ferry's
    synthNewSpaceMb: synth?.newSpaceMb ?? null,
    workerHeaps: lastWorkerHeaps,
    newSpaceMb: (v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.physical_space_size ?? NaN) / 2 ** 20,
    roundMs: { p50: q(stats.rounds, 0.5), max: Math.max(-Infinity, ...stats.rounds) },
    flushMs: { p50: q(stats.flushes, 0.5), p99: q(stats.flushes, 0.99), max: Math.max(-Infinity, ...stats.flushes) },
    publishMs: { p50: q(stats.publishes, 0.5), max: Math.max(-Infinity, ...stats.publishes) },
    flushRows: stats.flushRows, messages: stats.messages, vmsPerMessage: stats.vmsPerMessage,
    skippedTicks: app.metrics.sampler.skippedTicks().get('local') ?? 0,
  };
  eldWindow.reset();
  stats.rounds = []; stats.flushes = []; stats.publishes = []; stats.flushRows = 0; stats.messages = 0;
  return out;
}

// From the start: the main heap's size every REPORT_S, for run.ts's warm-up (until V8's sizing settles).
const heapTimer = setInterval(() => {
  const m = process.memoryUsage();
  send({ type: 'heap', at: Date.now(), heapTotalMb: m.heapTotal / 2 ** 20, rssMb: m.rss / 2 ** 20 });
}, REPORT_S * 1000);

process.on('message', (m: { type: string }) => {
  if (m.type === 'measure') {
    clearInterval(heapTimer);
    windowReport(); // drop what the set-up and warm-up left
    eldWindow.enable(); eldRun.enable();
    reporter = setInterval(() => send(windowReport()), REPORT_S * 1000);
  } else if (m.type === 'stop') {
    if (reporter) clearInterval(reporter);
    const last = windowReport();
    send({ ...last, type: 'final', run: { p50: ms(eldRun.percentile(50)), p99: ms(eldRun.percentile(99)), p999: ms(eldRun.percentile(99.9)), max: ms(eldRun.max) },
      dbRows: (db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n });
    void app.close().then(() => { db.close(); process.exit(0); });
  }
});
send({ type: 'ready', port, tokens, vms: VMS, setupS: (performance.now() - t0) / 1000, events: app.hasDecorator('events'), synth: SYNTH });
