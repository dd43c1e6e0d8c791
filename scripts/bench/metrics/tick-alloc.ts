// What one sampling tick allocates on the server's main thread, and where: the fan-out
// benchmark's set-up (run.ts, server.ts) in one process — Ferry as main.ts builds it on
// test:///default with VMS started domains, records made realistic off the main thread
// (synth-client.ts), CLIENTS /api/v1/events sockets subscribed to stats — with the sampler's
// timer stopped and its ticks driven here, one at a time.
//
// Method: the process runs with a young generation larger than a tick allocates
// (--min/--max-semi-space-size=128) and --expose-gc; before each measured tick a full GC, then
// V8's used heap is read at marks inside the tick, so each difference is what the stage
// allocated (nothing is collected in between; a tick where a GC did run anyway is reported and
// left out). Stages, in the order a tick runs them:
//   flush     the history's onTick write of closed buckets (SQLite)
//   receive   the round's libvirt calls until the packed records are on the main thread
//   derive    rates from the previous sample, the message's VM rows
//   history   each VM's sample into its 10 s bucket
//   message   JSON of the stats message and its Buffer (once per tick)
//   fan-out   every client's send of that Buffer
// `external` is off-heap memory (ArrayBuffers, Buffers) held at the end of the stage.
//
// Run: node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 --import tsx scripts/bench/metrics/tick-alloc.ts
//      (the script re-runs itself with those flags when started without them)
// Env: VMS (1000), CLIENTS (100), TICKS (15).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';

const FLAGS = ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128', '--import', 'tsx'];
if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, [...FLAGS, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: process.env });
  process.exit(r.status ?? 1);
}

const { buildApp } = await import('../../../apps/server/src/app.ts');
const { loadConfig } = await import('../../../apps/server/src/config.ts');
const { openDatabase } = await import('../../../apps/server/src/db/database.ts');
const { createUser, tokenFor } = await import('../../../apps/server/src/test-support/auth-helpers.ts');
const { EventClient } = await import('../../../apps/server/src/modules/events/event-client.ts');
const { SynthStatsWorker } = await import('./synth-client.ts');
const { buildSynthWorker } = await import('./synth-build.ts');

const env = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const VMS = env('VMS', 1000);
const CLIENTS = env('CLIENTS', 100);
const TICKS = env('TICKS', 15);
const gc = globalThis.gc as () => void;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(join(tmpdir(), 'ferry-tick-alloc-'));
const config = loadConfig({ FERRY_INSECURE_HTTP: '1', FERRY_DATA_DIR: dataDir, FERRY_LIBVIRT_URI: 'test:///default', FERRY_LISTEN: '127.0.0.1', FERRY_STATS_INTERVAL_S: '2', FERRY_LOG_LEVEL: 'info' });
const db = openDatabase(dataDir);
const app = await buildApp({ config, db, logDestination: createWriteStream(join(dataDir, 'server.log')) });
await app.ready();
app.metrics.sampler.stop(); // ticks are driven below
await app.hosts.get('local').waitConnected(10_000);
const conn = app.hosts.get('local').requireConnection();
const xml = (name: string, uuid: string) => `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>2</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
for (let i = 0; i < VMS; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, VMS - i) }, async (_, j) => {
    const ref = await conn.defineDomain(xml(`alloc-${String(i + j).padStart(4, '0')}`, randomUUID()));
    await conn.domain(ref.uuid).start();
  }));
}

// ---- marks
const used = () => v8.getHeapStatistics().used_heap_size;
const external = () => process.memoryUsage().arrayBuffers;
type Stage = 'flush' | 'receive' | 'derive' | 'history' | 'message' | 'fanout';
let marks: { stage: Stage; heap: number; ext: number }[] = [];
let measuring = false;
const mark = (stage: Stage) => { if (measuring) marks.push({ stage, heap: used(), ext: external() }); };
const seen = new Set<Stage>();
const markOnce = (stage: Stage) => { if (!seen.has(stage)) { seen.add(stage); mark(stage); } };

const synth = new SynthStatsWorker(await buildSynthWorker());
// 'receive': when the packed answer is on the main thread (the host calls are done by then too).
conn.getAllDomainStatsPacked = async (groups = 0, flags = 0, keep = null) => { const p = await synth.getAllDomainStatsPacked(groups, flags, keep); markOnce('receive'); return p; };
// The round's three calls resolve in one Promise.all: 'receive' ends where derive's first
// reader of the records runs — the sampler's own code — so mark at the first history.add
// ('derive' done) and wrap the sink's other consumers.
const history = app.metrics.history;
const origFlush = history.flush.bind(history);
history.flush = (nowMs, opts) => { const n = origFlush(nowMs, opts); markOnce('flush'); return n; };
const origAdd = history.add.bind(history);
history.add = (...a) => { markOnce('derive'); origAdd(...a); };
const bus = app.events;
const origPublish = bus.publishStats.bind(bus);
bus.publishStats = (msg) => { markOnce('history'); origPublish(msg); markOnce('fanout'); };
const origClientStats = EventClient.prototype.stats;
EventClient.prototype.stats = function (this: InstanceType<typeof EventClient>, msg, data) { markOnce('message'); origClientStats.call(this, msg, data); };

// ---- clients
interface Ws { on(e: 'message', cb: (d: Buffer) => void): void; once(e: 'message', cb: () => void): void; once(e: 'error', cb: (e: Error) => void): void; send(s: string): void; terminate(): void }
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, o: { headers: Record<string, string> }) => Ws;
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
let received = 0;
const sockets: Ws[] = [];
for (let i = 0; i < CLIENTS; i++) {
  await createUser(app, { username: `alloc-${i}`, role: 'Auditor' });
  const auth = (await tokenFor(app, `alloc-${i}`)).authorization!;
  sockets.push(await new Promise<Ws>((ok, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events`, { headers: { authorization: auth } });
    ws.once('error', fail);
    ws.once('message', () => { ws.send(JSON.stringify({ type: 'subscribe', topics: ['stats'] })); ws.on('message', () => { received++; }); ok(ws); });
  }));
}

// ---- ticks
// GCs that started during a measured tick (the forced one before it is over by then).
let tickFrom = Infinity, tickTo = -Infinity, gcs = 0;
const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.startTime >= tickFrom && e.startTime <= tickTo) gcs++; });
obs.observe({ entryTypes: ['gc'] });
const rows: Record<string, number>[] = [];
for (let t = 0; t < TICKS + 2; t++) {
  await sleep(300); // clients have read the previous message
  gc();
  await sleep(50); // the GC's own performance entries delivered
  const gcBefore = gcs;
  tickFrom = performance.now();
  tickTo = Infinity;
  seen.clear();
  marks = [];
  measuring = t >= 2; // the first tick is a baseline, the second the first with rates
  const h0 = used(), e0 = external();
  await app.metrics.sampler.tick();
  const h1 = used();
  tickTo = performance.now();
  measuring = false;
  await sleep(50);
  if (t < 2) continue;
  const row: Record<string, number> = { tick: t - 2, gcs: gcs - gcBefore };
  let prevHeap = h0;
  for (const m of marks) { row[m.stage] = m.heap - prevHeap; row[`${m.stage}Ext`] = m.ext - e0; prevHeap = m.heap; }
  row.total = h1 - h0;
  rows.push(row);
}
const stages: Stage[] = ['flush', 'receive', 'derive', 'history', 'message', 'fanout'];
const kb = (b: number | undefined) => (b === undefined ? '–' : (b / 1024).toFixed(0).padStart(7));
console.log(`\n${VMS} VMs, ${CLIENTS} clients (${received} stats messages received); main-thread heap allocated per stage, KiB (external: off-heap held at the stage's end)`);
console.log(`tick  gcs ${stages.map((s) => s.padStart(8)).join('')}    total   | external at fan-out`);
for (const r of rows) console.log(`${String(r.tick).padStart(4)} ${String(r.gcs).padStart(4)} ${stages.map((s) => ` ${kb(r[s])}`).join('')}  ${kb(r.total)}   | ${kb(r.fanoutExt)}`);
const clean = rows.filter((r) => r.gcs === 0);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`median of ${clean.length} ticks without a GC: ${stages.map((s) => `${s} ${kb(med(clean.map((r) => r[s] ?? 0))).trim()}`).join(', ')}; total ${kb(med(clean.map((r) => r.total!))).trim()} KiB`);
for (const s of sockets) s.terminate();
await synth.close();
await app.close();
db.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
