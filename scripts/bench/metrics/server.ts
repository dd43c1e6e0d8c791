// The server side of the fan-out benchmark (run.ts starts it as a child process and measures
// it from outside): Ferry as main.ts builds it — file-backed SQLite in a fresh data dir, the
// access log at info level to a file, plain HTTP on 127.0.0.1 — with host 'local' on
// test:///default, where this process defines and starts VMS domains through the binding (the
// test driver is in-process: they exist only here).
//
// The test driver's getAllDomainStats answers only the state group. So that the sampler
// derives from what a real qemu host returns, SYNTH=1 (default) fills each record with the
// ~45 counters the qemu driver reports for a guest with one disk and one NIC (cpu.*, balloon.*,
// vcpu.*, block.0.*, net.0.*), advancing like a busy guest's. Real records are decoded in a
// pool Worker and cloned to the main thread; here the records are built on the main thread,
// which costs it about the same allocation.
//
// Talks to run.ts over IPC: sends `ready` {port, tokens, setupS}; on `measure` starts its
// counters; every REPORT_S sends `window` {event-loop delay percentiles, heap, sampler
// timings}; on `stop` sends `final` and exits.
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { randomUUID } from 'node:crypto';
import type { TypedParams } from '../../../packages/libvirt/src/index.ts';
import { buildApp } from '../../../apps/server/src/app.ts';
import { loadConfig } from '../../../apps/server/src/config.ts';
import { openDatabase } from '../../../apps/server/src/db/database.ts';
import { createUser, tokenFor } from '../../../apps/server/src/test-support/auth-helpers.ts';

const env = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const VMS = env('VMS', 1000);
const USERS = env('CLIENTS', 100);
const INTERVAL_S = env('INTERVAL_S', 2);
const REPORT_S = env('REPORT_S', 10);
const SYNTH = process.env.SYNTH !== '0';
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
interface Counters { cpu: number; rd: number; wr: number; rdq: number; wrq: number; rx: number; tx: number; rxp: number; txp: number }
const counters = new Map<string, Counters>();
const rnd = (max: number) => Math.floor(Math.random() * max);
function enrich(uuid: string, s: TypedParams): TypedParams {
  let c = counters.get(uuid);
  if (!c) counters.set(uuid, (c = { cpu: rnd(1e12), rd: rnd(1e10), wr: rnd(1e10), rdq: rnd(1e6), wrq: rnd(1e6), rx: rnd(1e10), tx: rnd(1e10), rxp: rnd(1e7), txp: rnd(1e7) }));
  c.cpu += rnd(2e9); c.rd += rnd(4e6); c.wr += rnd(8e6); c.rdq += rnd(200); c.wrq += rnd(400); c.rx += rnd(2e6); c.tx += rnd(1e6); c.rxp += rnd(2000); c.txp += rnd(1000);
  const kib = 64 * 1024;
  return {
    'state.state': s['state.state'] ?? 1, 'state.reason': s['state.reason'] ?? 1,
    'cpu.time': c.cpu, 'cpu.user': Math.floor(c.cpu * 0.7), 'cpu.system': Math.floor(c.cpu * 0.2),
    'balloon.current': kib, 'balloon.maximum': kib, 'balloon.swap_in': 0, 'balloon.swap_out': 0, 'balloon.major_fault': 310, 'balloon.minor_fault': 1_204_133,
    'balloon.unused': 20_000 + rnd(1000), 'balloon.available': 60_000, 'balloon.usable': 30_000 + rnd(1000), 'balloon.last-update': Math.floor(Date.now() / 1000),
    'balloon.disk_caches': 9000, 'balloon.hugetlb_pgalloc': 0, 'balloon.hugetlb_pgfail': 0, 'balloon.rss': 70_000,
    'vcpu.current': 2, 'vcpu.maximum': 2, 'vcpu.0.state': 1, 'vcpu.0.time': Math.floor(c.cpu / 2), 'vcpu.0.wait': 0, 'vcpu.1.state': 1, 'vcpu.1.time': Math.floor(c.cpu / 2), 'vcpu.1.wait': 0,
    'net.count': 1, 'net.0.name': 'vnet0', 'net.0.rx.bytes': c.rx, 'net.0.rx.pkts': c.rxp, 'net.0.rx.errs': 0, 'net.0.rx.drop': 0,
    'net.0.tx.bytes': c.tx, 'net.0.tx.pkts': c.txp, 'net.0.tx.errs': 0, 'net.0.tx.drop': 0,
    'block.count': 1, 'block.0.name': 'vda', 'block.0.path': `/var/lib/libvirt/images/${uuid}.qcow2`, 'block.0.backingIndex': 1,
    'block.0.rd.reqs': c.rdq, 'block.0.rd.bytes': c.rd, 'block.0.rd.times': c.rdq * 90_000, 'block.0.wr.reqs': c.wrq, 'block.0.wr.bytes': c.wr, 'block.0.wr.times': c.wrq * 400_000,
    'block.0.fl.reqs': 1000, 'block.0.fl.times': 9_000_000, 'block.0.allocation': 2 ** 30, 'block.0.capacity': 10 * 2 ** 30, 'block.0.physical': 2 ** 30,
  };
}

// ---- instrumentation: timings of the sampler's pieces, without changing them
const stats = { rounds: [] as number[], flushes: [] as number[], flushRows: 0, publishes: [] as number[], vmsPerMessage: 0, messages: 0 };
const origStats = conn.getAllDomainStats.bind(conn);
conn.getAllDomainStats = async (groups?: number, flags?: number) => {
  const t = performance.now();
  const records = await origStats(groups, flags);
  if (SYNTH) for (const r of records) r.stats = enrich(r.uuid, r.stats);
  stats.rounds.push(performance.now() - t);
  return records;
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
function windowReport() {
  const m = process.memoryUsage();
  const out = {
    type: 'window', at: Date.now(),
    eld: { p50: ms(eldWindow.percentile(50)), p99: ms(eldWindow.percentile(99)), max: ms(eldWindow.max) },
    heapUsedMb: m.heapUsed / 2 ** 20, heapTotalMb: m.heapTotal / 2 ** 20, rssMb: m.rss / 2 ** 20, externalMb: m.external / 2 ** 20,
    // The young generation: what V8 resizes between its minimum and --max-semi-space-size.
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
