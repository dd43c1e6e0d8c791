// The investigation behind run.ts: where Ferry's idle RSS goes, and what one authenticated
// GET /api/v1/hosts costs. Nothing in apps/ or packages/ is changed: every experiment uses
// environment variables, request headers, node flags, a preload (probe.mjs), or imports
// Ferry's modules read-only.
//
//   1. Requests, a ladder of variants under the same load (each server alone, its main thread
//      profiled during the measured run by cpu-probe.mjs):
//      hello-world · Ferry /health (public) · /health with the bearer token (adds the token
//      lookup) · /hosts (adds ACL, handler, bigger response) · /hosts with FERRY_LOG_LEVEL=warn
//      (removes the access line). Server CPU per request from /proc; the main thread's CPU
//      profile by category and by request stage.
//   2. The same pieces timed in this process, without HTTP (µs per call).
//   3. Syscalls per request (strace -c -f on the server, when strace is installed).
//   4. Memory ladder: processes that load one piece each (mem-step.ts), same node flags.
//   5. hello-ws and Ferry with probe.mjs: per-isolate V8 heaps and /proc/<pid>/smaps by mapping,
//      SETTLE s after start and again LATE s after start (V8 shrinks idle heaps after a while).
//
// Run: pnpm exec tsx scripts/bench/server-requests/profile.ts
// Env: ROUNDS (2 rounds of section 1), DURATION (5 s per load run), WARMUP (2 s), SETTLE (5 s), LATE (30 s), CONNECTIONS (10),
//      STRACE_N (2000 requests), MICRO_MS (300 ms per microbenchmark).
// Raw results: scripts/bench/.out/server-requests-profile.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { CATEGORIES, STAGES, analyze, type Breakdown } from './cpu-profile.ts';
import { buildLibvirtWorkers } from '../../setup/build-libvirt-workers.mjs';
import { buildServer } from '../../setup/build-server.mjs';
import {
  BenchError, FERRY_MAIN, createToken, envInt, fmt, freePort, here, mb, measureLoad, median, memOf, pct, repo, request, serveNodeFlags, sourceNodeFlags,
  sleep, startServer, stopAll, stopAllOnSignal, stopServer, table, type LoadSample, type ProcMem, type Server, type ServerSpec,
} from './harness.ts';

const outFile = join(repo, 'scripts/bench/.out/server-requests-profile.json');
const HELLO = join(here, 'hello-server.mjs');
const PROBE = join(here, 'probe.mjs');
const CPU_PROBE = join(here, 'cpu-probe.mjs');
const HOSTS_PATH = '/api/v1/hosts';

const cfg = {
  reqRounds: envInt('ROUNDS', 2),
  durationS: envInt('DURATION', 5),
  warmupS: envInt('WARMUP', 2),
  settleS: envInt('SETTLE', 5),
  lateS: envInt('LATE', 30),
  connections: envInt('CONNECTIONS', 10),
  straceN: envInt('STRACE_N', 2000),
  microMs: envInt('MICRO_MS', 300),
  nodeFlags: serveNodeFlags().flags,
  libvirtUri: 'qemu:///system',
};

interface Ctx { tmp: string; dataDir: string; password: string; token: string }
const results: Record<string, unknown> = {};

const ferryEnv = (ctx: Ctx, port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  FERRY_INSECURE_HTTP: '1', FERRY_LISTEN: '127.0.0.1', FERRY_PORT: String(port), FERRY_DATA_DIR: ctx.dataDir,
  FERRY_ADMIN_PASSWORD: ctx.password, FERRY_LIBVIRT_URI: cfg.libvirtUri, FERRY_LOG_LEVEL: 'info', ...extra,
});

function spec(name: string, ctx: Ctx, port: number, o: { entry: string; env: Record<string, string>; extraFlags?: string[]; flags?: string[]; readyPath?: string }): ServerSpec {
  return {
    name, port, logPath: join(ctx.tmp, `${name}.log`), readyPath: o.readyPath ?? '/',
    args: [...(o.extraFlags ?? []), ...(o.flags ?? cfg.nodeFlags), o.entry], env: o.env,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. requests

interface ReqVariant { key: string; label: string; path: string; ferry: boolean; bearer: boolean; env?: Record<string, string> }
const REQ_VARIANTS: ReqVariant[] = [
  { key: 'hello', label: 'hello-world: GET /', path: '/', ferry: false, bearer: false },
  { key: 'health', label: 'Ferry GET /api/v1/health (public, no credentials)', path: '/api/v1/health', ferry: true, bearer: false },
  { key: 'health+token', label: 'Ferry GET /api/v1/health + bearer token (adds the token lookup)', path: '/api/v1/health', ferry: true, bearer: true },
  { key: 'hosts', label: `Ferry GET ${HOSTS_PATH} + bearer (run.ts's request)`, path: HOSTS_PATH, ferry: true, bearer: true },
  { key: 'hosts-warn', label: `Ferry GET ${HOSTS_PATH} + bearer, FERRY_LOG_LEVEL=warn`, path: HOSTS_PATH, ferry: true, bearer: true, env: { FERRY_LOG_LEVEL: 'warn' } },
];

interface ReqResult {
  variant: ReqVariant;
  /** medians over rounds */
  load: LoadSample;
  samples: LoadSample[];
  /** the main thread's profiles of every round, added up; okProfiled = their 2xx responses */
  profile: Breakdown | null;
  okProfiled: number;
  bodyBytes: number;
  headerBytes: number;
}

interface Visit { load: LoadSample; profile: Breakdown | null; bodyBytes: number; headerBytes: number }

async function visitReq(v: ReqVariant, ctx: Ctx, round: number): Promise<Visit> {
  const profFile = join(ctx.tmp, `prof-${v.key}-${round}.cpuprofile`);
  const port = await freePort();
  const s = await startServer(spec(`req-${v.key}`, ctx, port, {
    entry: v.ferry ? FERRY_MAIN : HELLO,
    env: { ...(v.ferry ? ferryEnv(ctx, port, v.env) : { BENCH_PORT: String(port) }), BENCH_CPUPROF_OUT: profFile },
    extraFlags: ['--import', CPU_PROBE],
    readyPath: v.ferry ? '/api/v1/health' : '/',
  }));
  let load!: LoadSample;
  let profile: Breakdown | null = null;
  let bodyBytes = 0;
  let headerBytes = 0;
  try {
    await sleep(1000);
    const headers: Record<string, string> = v.bearer ? { authorization: `Bearer ${ctx.token}` } : {};
    const r = await request(s.url + v.path, { headers });
    if (r.status !== 200) throw new BenchError(`${v.key}: HTTP ${r.status} ${r.body}`);
    bodyBytes = Buffer.byteLength(r.body);
    headerBytes = Object.entries(r.headers).reduce((a, [k, val]) => a + k.length + 4 + String(val).length, 0);
    await measureLoad(s, v.path, { connections: cfg.connections, pipelining: 1, durationS: cfg.warmupS }, headers);
    process.kill(s.pid, 'SIGUSR2'); // cpu-probe.mjs: start profiling the main thread
    await sleep(200);
    load = await measureLoad(s, v.path, { connections: cfg.connections, pipelining: 1, durationS: cfg.durationS }, headers);
    process.kill(s.pid, 'SIGUSR2'); // stop, write the profile
    for (let i = 0; i < 100 && !existsSync(profFile); i++) await sleep(50);
    if (existsSync(profFile)) profile = analyze(profFile, null);
  } finally {
    await stopServer(s);
  }
  rmSync(profFile, { force: true });
  return { load, profile, bodyBytes, headerBytes };
}

function medianLoad(ls: LoadSample[]): LoadSample {
  const m = (f: (l: LoadSample) => number) => median(ls.map(f));
  return {
    rps: m((l) => l.rps), ok: m((l) => l.ok), non2xx: ls.reduce((a, l) => a + l.non2xx, 0), errors: ls.reduce((a, l) => a + l.errors, 0),
    statusCodes: ls[0]!.statusCodes, latencyP50Ms: m((l) => l.latencyP50Ms), latencyP99Ms: m((l) => l.latencyP99Ms),
    latencyMaxMs: Math.max(...ls.map((l) => l.latencyMaxMs)), seconds: m((l) => l.seconds), serverCpu: m((l) => l.serverCpu),
    serverMainCpu: m((l) => l.serverMainCpu), serverMainWait: m((l) => l.serverMainWait), serverUsPerReq: m((l) => l.serverUsPerReq),
    serverMainUsPerReq: m((l) => l.serverMainUsPerReq), loadgenCpu: m((l) => l.loadgenCpu), otherCpu: m((l) => l.otherCpu),
  };
}

function addBreakdowns(bs: Breakdown[]): Breakdown | null {
  if (bs.length === 0) return null;
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const byCategory: Record<string, number> = {};
  const byStage: Record<string, number> = {};
  const frames: Record<string, number> = {};
  for (const b of bs) {
    add(byCategory, b.byCategory);
    add(byStage, b.byStage);
    add(frames, Object.fromEntries(b.top.map((t) => [t.frame, t.us])));
  }
  return {
    busyUs: bs.reduce((a, b) => a + b.busyUs, 0), idleUs: bs.reduce((a, b) => a + b.idleUs, 0), windowUs: bs.reduce((a, b) => a + b.windowUs, 0),
    byCategory, byStage, top: Object.entries(frames).sort((a, b) => b[1] - a[1]).map(([frame, us]) => ({ frame, us })),
  };
}

async function requests(ctx: Ctx): Promise<ReqResult[]> {
  const visits = new Map<string, Visit[]>(REQ_VARIANTS.map((v) => [v.key, []]));
  for (let round = 0; round < cfg.reqRounds; round++) {
    for (let i = 0; i < REQ_VARIANTS.length; i++) {
      const v = REQ_VARIANTS[(i + round) % REQ_VARIANTS.length]!;
      const vis = await visitReq(v, ctx, round);
      visits.get(v.key)!.push(vis);
      console.log(`  round ${round + 1}, ${v.key.padEnd(12)} ${fmt(vis.load.rps)} req/s, server ${fmt(vis.load.serverUsPerReq, 1)} µs CPU/req ` +
        `(main thread ${fmt(vis.load.serverMainUsPerReq, 1)}), others ${pct(vis.load.otherCpu)}`);
    }
  }
  return REQ_VARIANTS.map((variant) => {
    const vs = visits.get(variant.key)!;
    const profiled = vs.filter((x) => x.profile);
    return {
      variant, load: medianLoad(vs.map((x) => x.load)), samples: vs.map((x) => x.load),
      profile: addBreakdowns(profiled.map((x) => x.profile!)), okProfiled: profiled.reduce((a, x) => a + x.load.ok, 0),
      bodyBytes: vs[0]!.bodyBytes, headerBytes: vs[0]!.headerBytes,
    };
  });
}

function reportRequests(rs: ReqResult[]): void {
  const hello = rs.find((r) => r.variant.key === 'hello')!;
  console.log(`\n1. What a request costs: each server alone, ${cfg.connections} connections, ${cfg.durationS} s after ${cfg.warmupS} s warm-up, the main thread`);
  console.log(`   profiled during the run (cpu-probe.mjs, 1 ms); medians of ${cfg.reqRounds} rotated rounds. µs/req = server CPU time ÷ 2xx responses (/proc);`);
  console.log('   Δ = the step from the row above;');
  console.log('   others CPU = other processes on the machine during the run (noise), in CPUs.\n');
  console.log(table(
    ['variant', 'req/s', 'vs hello', 'µs/req all threads', 'Δ', 'µs/req main thread', 'Δ main', 'main waiting', 'others CPU', 'response bytes (headers+body)'],
    rs.map((r, i) => {
      const prev = rs[i - 1];
      return [
        r.variant.label, fmt(r.load.rps), `${(r.load.rps / hello.load.rps).toFixed(2)}×`, fmt(r.load.serverUsPerReq, 1),
        prev ? `${r.load.serverUsPerReq - prev.load.serverUsPerReq >= 0 ? '+' : ''}${fmt(r.load.serverUsPerReq - prev.load.serverUsPerReq, 1)}` : '',
        fmt(r.load.serverMainUsPerReq, 1),
        prev ? `${r.load.serverMainUsPerReq - prev.load.serverMainUsPerReq >= 0 ? '+' : ''}${fmt(r.load.serverMainUsPerReq - prev.load.serverMainUsPerReq, 1)}` : '',
        pct(r.load.serverMainWait), pct(r.load.otherCpu), `${r.headerBytes}+${r.bodyBytes}`,
      ];
    }),
    [false, true, true, true, true, true, true, true, true, true],
  ));

  const hosts = rs.find((r) => r.variant.key === 'hosts')!;
  const perReq = (r: ReqResult, us: number | undefined) => (us ?? 0) / r.okProfiled;
  const profiled = rs.filter((r) => r.profile);
  if (profiled.length) {
    console.log(`\n   Main thread, CPU profile of the measured runs (all ${cfg.reqRounds} rounds added up): µs per request by category of the sampled frame (self time).`);
    console.log('   Sampled in wall time: a preempted thread is charged to its current frame, so "socket write" also holds the time the');
    console.log('   main thread waited for a CPU after waking the load generator.\n');
    const cats = CATEGORIES.map((c) => c.key).filter((k) => profiled.some((r) => (r.profile!.byCategory[k] ?? 0) > 0));
    console.log(table(
      ['category', ...profiled.map((r) => r.variant.key)],
      [
        ...cats.map((k) => [k, ...profiled.map((r) => fmt(perReq(r, r.profile!.byCategory[k]), 1))]),
        ['total sampled, not idle', ...profiled.map((r) => fmt(perReq(r, r.profile!.busyUs), 1))],
      ],
      [false, ...profiled.map(() => true)],
    ));
  }
  if (hosts.profile) {
    console.log(`\n   ${hosts.variant.label}: request stages, inclusive (a sample counts for every stage on its stack), µs per request.\n`);
    console.log(table(
      ['stage', 'µs/req', 'share of sampled'],
      STAGES.map((s) => [s.key, fmt(perReq(hosts, hosts.profile!.byStage[s.key]), 1), pct((hosts.profile!.byStage[s.key] ?? 0) / hosts.profile!.busyUs)]),
      [false, true, true],
    ));
    console.log('\n   Top frames (self), µs per request:');
    for (const f of hosts.profile.top.slice(0, 12)) console.log(`     ${fmt(perReq(hosts, f.us), 1).padStart(6)}  ${f.frame}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. the same pieces in this process

interface Micro { op: string; usPerOp: number; note?: string }

function time(op: string, f: () => unknown, note?: string): Micro {
  for (let i = 0; i < 2000; i++) f(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < cfg.microMs) {
    for (let i = 0; i < 200; i++) f();
    n += 200;
    t = performance.now();
  }
  return { op, usPerOp: ((t - t0) * 1000) / n, ...(note ? { note } : {}) };
}

async function timeAsync(op: string, f: () => Promise<unknown>): Promise<Micro> {
  for (let i = 0; i < 2000; i++) await f();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < cfg.microMs) {
    for (let i = 0; i < 200; i++) await f();
    n += 200;
    t = performance.now();
  }
  return { op, usPerOp: ((t - t0) * 1000) / n };
}

async function micro(ctx: Ctx, hostsBody: unknown): Promise<Micro[]> {
  const serverPkg = resolve(repo, 'apps/server/package.json');
  const req = createRequire(serverPkg);
  const { openDatabase } = await import('../../../apps/server/src/db/database.ts');
  const { createTokenService } = await import('../../../apps/server/src/modules/tokens/tokens.service.ts');
  const { createAuthz } = await import('../../../apps/server/src/modules/acl/authz.ts');
  const { sha256 } = await import('../../../apps/server/src/modules/auth/sessions.ts');
  const { loggerOptions } = await import('../../../apps/server/src/lib/logger.ts');
  const { accessLine, writeAccessLine } = await import('../../../apps/server/src/lib/access-log.ts');
  const { responseSerializerCompiler } = await import('../../../apps/server/src/lib/serializer.ts');
  const { routes, RoleSchema } = await import('../../../packages/contract/src/index.ts');
  // ESM entry of fastify-type-provider-zod (its CommonJS build would bring a second zod)
  const ftpzCjs = req.resolve('fastify-type-provider-zod');
  const ftpzDir = ftpzCjs.slice(0, ftpzCjs.lastIndexOf('/dist/'));
  const ftpz = await import(pathToFileURL(join(ftpzDir, 'dist/esm/index.js')).href) as {
    serializerCompiler: (o: { schema: unknown; method: string; url: string; httpStatus: string }) => (data: unknown) => string;
  };
  type PinoFactory = ((opts: object, dest?: unknown) => PinoLogger) & { destination: (o: object) => unknown };
  interface PinoLogger { info(obj: object, msg: string): void; child(b: object): PinoLogger }
  type FerryLogger = Parameters<typeof writeAccessLine>[0];
  const pino = req('pino') as PinoFactory;

  const db = openDatabase(ctx.dataDir);
  try {
    const tokens = createTokenService({ db, now: Date.now });
    const authz = createAuthz({ db });
    const principal = tokens.authenticate(ctx.token);
    if (!principal) throw new BenchError('micro: the token does not authenticate');
    const hash = sha256(ctx.token);
    const byHash = db.prepare(`SELECT t.id, t.user_id, t.role, t.expires_at, t.last_used_at, t.revoked_at, u.username, u.disabled
      FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`);
    const grants = db.prepare('SELECT path, role FROM acl WHERE user_id = ?');
    const one = db.prepare('SELECT 1');
    const ferrySerialize = responseSerializerCompiler({ schema: routes.listHosts.responses[200], method: 'GET', url: HOSTS_PATH });
    const serialize = ftpz.serializerCompiler({ schema: routes.listHosts.responses[200], method: 'GET', url: HOSTS_PATH, httpStatus: '200' });
    const devNull = pino.destination({ dest: '/dev/null', sync: false });
    const ferryLog = pino(loggerOptions({ level: 'info' }) as object, devNull);
    const plainLog = pino({ level: 'info' }, devNull);
    const line = accessLine({ method: 'GET', url: HOSTS_PATH }, 200, 1.234);
    const items = [{ id: 'local' }];
    const journal = String(db.pragma('journal_mode', { simple: true }));

    const out: Micro[] = [
      time('sha256(token secret) (sessions.ts sha256)', () => sha256(ctx.token)),
      time('SQLite: SELECT 1 (.get): the floor of one statement', () => one.get(), `journal_mode=${journal}`),
      time('SQLite: the token SELECT … JOIN users (.get)', () => byHash.get(hash)),
      time('tokens.authenticate(secret): regexp + sha256 + SELECT', () => tokens.authenticate(ctx.token)),
      time('SQLite: SELECT path, role FROM acl WHERE user_id (.all)', () => grants.all(principal.userId)),
      time('zod: RoleSchema.safeParse(role)', () => RoleSchema.safeParse('Administrator')),
      await timeAsync('authz.can(principal, sys.read, *) (the hook)', () => authz.can(principal, 'sys.read', '*')),
      await timeAsync('authz.filterVisible(principal, sys.read, 1 host) (the handler)', () => authz.filterVisible(principal, 'sys.read', items, (h) => `/hosts/${h.id}`)),
      time('response: zod encode + JSON.stringify (fastify-type-provider-zod)', () => serialize(hostsBody)),
      time("response: Ferry's serializer (lib/serializer.ts: zod safeParse + JSON.stringify)", () => ferrySerialize(hostsBody)),
      time('response: JSON.stringify alone', () => JSON.stringify(hostsBody)),
      time("access line: pino child({reqId}) + info(), Ferry's options (redaction scan, serializers)", () => ferryLog.child({ reqId: 'x' }).info(line, 'request')),
      time("access line: pino child({reqId}) + Ferry's writeAccessLine (lib/access-log.ts)", () => writeAccessLine(ferryLog.child({ reqId: 'x' }) as unknown as FerryLogger, line)),
      time('access line: pino child({reqId}) + info(), default options', () => plainLog.child({ reqId: 'x' }).info(line, 'request')),
      time('randomUUID() (genReqId)', () => globalThis.crypto.randomUUID()),
    ];
    return out;
  } finally {
    db.close();
  }
}

function reportMicro(ms: Micro[]): void {
  console.log(`\n2. The same pieces in this process, no HTTP (${cfg.microMs} ms each, after a warm-up): µs per call\n`);
  console.log(table(['operation', 'µs/call', 'note'], ms.map((m) => [m.op, fmt(m.usPerOp, 2), m.note ?? '']), [false, true, false]));
}

// ---------------------------------------------------------------------------------------------
// 3. syscalls per request

interface Syscalls { variant: string; requests: number; perRequest: Record<string, number> }

async function syscalls(ctx: Ctx): Promise<Syscalls[] | null> {
  if (spawnSync('strace', ['-V']).status !== 0) return null;
  const out: Syscalls[] = [];
  for (const v of [REQ_VARIANTS[0]!, REQ_VARIANTS.find((x) => x.key === 'hosts')!]) {
    const port = await freePort();
    const s = await startServer(spec(`strace-${v.key}`, ctx, port, {
      entry: v.ferry ? FERRY_MAIN : HELLO, env: v.ferry ? ferryEnv(ctx, port) : { BENCH_PORT: String(port) }, readyPath: v.ferry ? '/api/v1/health' : '/',
    }));
    const headers: Record<string, string> = v.bearer ? { authorization: `Bearer ${ctx.token}` } : {};
    const txt = join(ctx.tmp, `strace-${v.key}.txt`);
    try {
      await measureLoad(s, v.path, { connections: cfg.connections, pipelining: 1, durationS: 1 }, headers);
      const st = spawn('strace', ['-c', '-f', '-o', txt, '-p', String(s.pid)], { stdio: 'ignore' });
      const exited = new Promise((ok) => st.once('exit', ok));
      try {
        await sleep(1000); // strace attaches to every thread
        await runAmount(s, v.path, cfg.straceN, headers);
      } finally {
        if (st.pid !== undefined) process.kill(st.pid, 'SIGINT');
        await exited;
      }
    } finally {
      await stopServer(s);
    }
    const perRequest: Record<string, number> = {};
    for (const l of readFileSync(txt, 'utf8').split('\n')) {
      const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(l);
      if (m && m[2] !== 'total') perRequest[m[2]!] = Number(m[1]) / cfg.straceN;
    }
    out.push({ variant: v.key, requests: cfg.straceN, perRequest });
  }
  return out;
}

function runAmount(s: Server, path: string, amount: number, headers: Record<string, string>): Promise<void> {
  return new Promise((ok, fail) => {
    autocannon({ url: s.url + path, connections: cfg.connections, amount, headers, timeout: 30 }, (err) => (err ? fail(err) : ok()));
  });
}

function reportSyscalls(sc: Syscalls[] | null): void {
  console.log(`\n3. Syscalls per request (strace -c -f attached to the server for ${fmt(cfg.straceN)} requests; strace slows the server, the counts hold)\n`);
  if (!sc) {
    console.log('   strace is not installed: skipped.');
    return;
  }
  const names = [...new Set(sc.flatMap((s) => Object.keys(s.perRequest)))]
    .filter((n) => sc.some((s) => (s.perRequest[n] ?? 0) >= 0.05))
    .sort((a, b) => Math.max(...sc.map((s) => s.perRequest[b] ?? 0)) - Math.max(...sc.map((s) => s.perRequest[a] ?? 0)));
  console.log(table(
    ['syscall', ...sc.map((s) => s.variant)],
    [...names.map((n) => [n, ...sc.map((s) => fmt(s.perRequest[n] ?? 0, 2))]),
      ['total', ...sc.map((s) => fmt(Object.values(s.perRequest).reduce((a, b) => a + b, 0), 2))]],
    [false, ...sc.map(() => true)],
  ));
}

// ---------------------------------------------------------------------------------------------
// 4. memory ladder

const STEPS: { step: string; label: string }[] = [
  { step: 'empty', label: 'node + flags + tsx, an http listener, nothing else' },
  { step: 'worker-js', label: '+ 1 Worker on a plain .mjs entry, no Node options (a bundled libvirt Worker)' },
  { step: 'worker-ts', label: '+ 1 Worker through bootstrap.mjs (tsx registered on it), .ts entry (no bundles)' },
  { step: 'modules', label: "+ Ferry's server modules imported (app.ts graph), not started" },
  { step: 'sqlite', label: "+ Ferry's database opened (better-sqlite3)" },
  { step: 'libvirt', label: '+ @ferry/libvirt started (event-loop Worker + 1 call Worker) and qemu:///system opened' },
];

interface StepResult { step: string; label: string; mem: ProcMem }

async function ladder(ctx: Ctx): Promise<StepResult[]> {
  const out: StepResult[] = [];
  // Ferry itself without the young-generation flag of the serve script, if it has one
  const lean = cfg.nodeFlags.filter((f) => !f.startsWith('--max-semi-space-size'));
  if (lean.length !== cfg.nodeFlags.length) {
    const port = await freePort();
    const s = await startServer(spec('mem-ferry-lean', ctx, port, { entry: FERRY_MAIN, env: ferryEnv(ctx, port), flags: lean, readyPath: '/api/v1/health' }));
    try {
      await sleep(cfg.settleS * 1000);
      out.push({ step: 'ferry-no-semi-space-flag', label: `(for comparison) Ferry with \`${lean.join(' ')}\` only`, mem: memOf(s.pid) });
    } finally {
      await stopServer(s);
    }
    console.log(`  ${'ferry, no --max-semi-space-size'.padEnd(10)} ${mb(out.at(-1)!.mem.rssKb)} MB`);
  }
  for (const { step, label } of STEPS) {
    const port = await freePort();
    const s = await startServer(spec(`mem-${step}`, ctx, port, {
      // mem-step.ts is TypeScript: the serve script's flags plus tsx's loader (the steps show tsx's share)
      entry: join(here, 'mem-step.ts'), flags: sourceNodeFlags(),
      env: { BENCH_PORT: String(port), BENCH_STEP: step, BENCH_DATA_DIR: ctx.dataDir, BENCH_LIBVIRT_URI: cfg.libvirtUri },
    }));
    try {
      await sleep(cfg.settleS * 1000);
      out.push({ step, label, mem: memOf(s.pid) });
    } finally {
      await stopServer(s);
    }
    console.log(`  ${step.padEnd(10)} ${mb(out.at(-1)!.mem.rssKb)} MB`);
  }
  return out;
}

function reportLadder(rs: StepResult[], probes: ProbeResult[]): void {
  const empty = rs.find((r) => r.step === 'empty')!;
  console.log(`\n4. Memory ladder: one process per row, each alone, same node flags as Ferry, VmRSS ${cfg.settleS} s after its first answer.`);
  console.log('   Δ = this row minus "empty" (rows are separate processes, not cumulative).\n');
  const ordered = [...rs.filter((r) => !r.label.startsWith('(')), ...rs.filter((r) => r.label.startsWith('('))];
  const rows = ordered.map((r) => [r.label, mb(r.mem.rssKb), `${r.mem.rssKb - empty.mem.rssKb >= 0 ? '+' : ''}${mb(r.mem.rssKb - empty.mem.rssKb)}`, mb(r.mem.anonKb), mb(r.mem.fileKb), String(r.mem.threads)]);
  for (const p of probes) {
    const m = p.early.mem;
    rows.push([`(for comparison) ${p.label}`, mb(m.rssKb), `${m.rssKb - empty.mem.rssKb >= 0 ? '+' : ''}${mb(m.rssKb - empty.mem.rssKb)}`, mb(m.anonKb), mb(m.fileKb), String(m.threads)]);
  }
  console.log(table(['process', 'RSS MB', 'Δ MB', 'anon MB', 'file MB', 'threads'], rows, [false, true, true, true, true, true]));
}

// ---------------------------------------------------------------------------------------------
// 5. per-isolate heaps and mappings

interface Heap {
  threadId: number; entry: string; totalPhysical: number; totalHeap: number; usedHeap: number; malloced: number; external: number;
  spaces: Record<string, number>;
}
interface ProbeFile { main: Heap; memoryUsage: NodeJS.MemoryUsage; workers: Heap[] }
interface Snapshot { atS: number; mem: ProcMem; probe: ProbeFile | null; smaps: Record<string, number> }
interface ProbeResult { key: string; label: string; early: Snapshot; late: Snapshot }

function smapsOf(pid: number): Record<string, number> {
  const groups: Record<string, number> = {};
  let group = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (head) {
      const path = head[1]!.trim();
      if (path === '') group = 'anonymous mappings (V8 heaps, malloc arenas of threads, thread stacks)';
      else if (path === '[heap]') group = 'malloc main arena [heap]';
      else if (path.startsWith('[')) group = `${path}`;
      else if (path === process.execPath || path.endsWith('/bin/node')) group = 'node binary';
      else if (/libvirt/.test(path)) group = 'libvirt .so files';
      else if (path.endsWith('.node')) group = `addon ${path.split('/').pop()}`;
      else if (/\.so(\.|$)/.test(path)) group = 'other shared libraries';
      else group = `other files (${path.split('/').pop()})`;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) groups[group] = (groups[group] ?? 0) + Number(rss[1]);
  }
  return groups;
}

async function snapshot(s: Server, probeOut: string, atS: number): Promise<Snapshot> {
  rmSync(probeOut, { force: true });
  process.kill(s.pid, 'SIGUSR2');
  let probe: ProbeFile | null = null;
  for (let i = 0; i < 40 && !probe; i++) {
    await sleep(50);
    try {
      probe = JSON.parse(readFileSync(probeOut, 'utf8')) as ProbeFile;
    } catch {
      // not written yet
    }
  }
  return { atS, mem: memOf(s.pid), probe, smaps: smapsOf(s.pid) };
}

async function probes(ctx: Ctx): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const key of ['hello-ws', 'ferry'] as const) {
    const port = await freePort();
    const probeOut = join(ctx.tmp, `probe-${key}.json`);
    const ferry = key === 'ferry';
    const s = await startServer(spec(`probe-${key}`, ctx, port, {
      entry: ferry ? FERRY_MAIN : HELLO,
      env: { ...(ferry ? ferryEnv(ctx, port) : { BENCH_PORT: String(port), BENCH_WS: '1' }), BENCH_PROBE_OUT: probeOut },
      extraFlags: ['--import', PROBE], readyPath: ferry ? '/api/v1/health' : '/',
    }));
    try {
      const t0 = performance.now() - s.startMs;
      await sleep(cfg.settleS * 1000);
      const early = await snapshot(s, probeOut, (performance.now() - t0) / 1000);
      await sleep(Math.max(0, cfg.lateS * 1000 - (performance.now() - t0)));
      const late = await snapshot(s, probeOut, (performance.now() - t0) / 1000);
      out.push({ key, label: ferry ? 'Ferry (plain HTTP), idle' : 'bare Fastify + ws, idle', early, late });
    } finally {
      await stopServer(s);
    }
    console.log(`  ${key.padEnd(10)} ${mb(out.at(-1)!.early.mem.rssKb)} MB after ${cfg.settleS} s, ${mb(out.at(-1)!.late.mem.rssKb)} MB after ${cfg.lateS} s`);
  }
  return out;
}

const MiB = (bytes: number) => (bytes / 1048576).toFixed(1);

function reportProbes(ps: ProbeResult[]): void {
  console.log(`\n5. Idle memory by V8 isolate (probe.mjs) and by mapping (/proc/<pid>/smaps), ${cfg.settleS} s after the first answer and`);
  console.log(`   ${cfg.lateS} s after spawn ("@N s" = seconds since spawn). MB.`);
  console.log('   heap = V8 physical heap of that thread (new space = young generation, sized up by start-up allocation);');
  console.log('   "not in a reachable V8 heap" = RSS − those heaps: native code and data, malloc, thread stacks, and the V8 heaps of');
  console.log('   Node\'s module-hooks threads (one per thread that registers tsx), which JavaScript cannot reach.\n');
  const rows: string[][] = [];
  for (const p of ps) {
    for (const snap of [p.early, p.late]) {
      const pr = snap.probe;
      const tag = `${p.key} @${Math.round(snap.atS)} s`;
      if (!pr) {
        rows.push([tag, 'no probe report', '', '', '', '', '']);
        continue;
      }
      const isolates = [pr.main, ...pr.workers.sort((a, b) => a.threadId - b.threadId)];
      for (const h of isolates) {
        const name = h.threadId === 0 ? 'main thread' : `Worker ${h.threadId}: ${h.entry.split('/').pop()}`;
        rows.push([tag, name, MiB(h.totalPhysical), MiB(h.spaces.new_space ?? 0), MiB(h.spaces.old_space ?? 0), MiB(h.usedHeap), MiB(h.external)]);
      }
      const heaps = isolates.reduce((a, h) => a + h.totalPhysical, 0);
      rows.push([tag, `VmRSS ${mb(snap.mem.rssKb)}; not in a reachable V8 heap`, MiB(snap.mem.rssKb * 1024 - heaps), '', '', '', '']);
    }
  }
  console.log(table(['process', 'isolate', 'heap', 'new space', 'old space', 'used', 'external'], rows, [false, false, true, true, true, true, true]));

  console.log(`\n   Mappings ${cfg.settleS} s after the first answer (RSS by what is mapped), MB:\n`);
  const groups = [...new Set(ps.flatMap((p) => Object.keys(p.early.smaps)))]
    .sort((a, b) => Math.max(...ps.map((p) => p.early.smaps[b] ?? 0)) - Math.max(...ps.map((p) => p.early.smaps[a] ?? 0)))
    .filter((g) => ps.some((p) => (p.early.smaps[g] ?? 0) >= 256));
  console.log(table(
    ['mapping', ...ps.map((p) => p.key), 'Δ'],
    groups.map((g) => {
      const v = ps.map((p) => p.early.smaps[g] ?? 0);
      return [g, ...v.map((x) => mb(x)), ps.length === 2 ? mb(v[1]! - v[0]!) : ''];
    }),
    [false, ...ps.map(() => true), true],
  ));
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg();
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-bench-server-profile-'));
  const ctx: Ctx = { tmp, dataDir: join(tmp, 'data'), password: randomBytes(12).toString('base64url'), token: '' };
  stopAllOnSignal();
  let ok = false;
  try {
    console.log(`node flags of every server (from the serve script): ${cfg.nodeFlags.join(' ')}`);
    // As npm start's setup does: Ferry's libvirt Workers run from their bundles (see run.ts).
    console.log(`libvirt Worker bundles: ${(await buildLibvirtWorkers()).built ? 'built' : 'current'}`);
    console.log(`server bundle: ${(await buildServer()).built ? 'built' : 'current'}`);
    process.stdout.write('preparing Ferry (fresh data dir, admin, API token)… ');
    let hostsBody: unknown = null;
    {
      const port = await freePort();
      const s = await startServer(spec('prep', ctx, port, { entry: FERRY_MAIN, env: ferryEnv(ctx, port), readyPath: '/api/v1/health' }));
      try {
        ctx.token = await createToken(s.url, ctx.password);
        hostsBody = JSON.parse((await request(s.url + HOSTS_PATH, { headers: { authorization: `Bearer ${ctx.token}` } })).body);
      } finally {
        await stopServer(s);
      }
    }
    console.log('done');

    console.log('1. requests');
    const req = await requests(ctx);
    console.log('2. microbenchmarks');
    const mic = await micro(ctx, hostsBody);
    console.log('3. syscalls');
    const sc = await syscalls(ctx);
    console.log('4. memory ladder');
    const lad = await ladder(ctx);
    console.log('5. heaps and mappings');
    const pr = await probes(ctx);

    reportRequests(req);
    reportMicro(mic);
    reportSyscalls(sc);
    reportLadder(lad, pr);
    reportProbes(pr);

    Object.assign(results, {
      requests: req.map((r) => ({ ...r, variant: r.variant.key, label: r.variant.label })),
      micro: mic, syscalls: sc, ladder: lad, probes: pr,
    });
    const seconds = (Date.now() - started) / 1000;
    const load1 = loadavg();
    console.log(`\n${cpus().length} CPUs, load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at end; total ${seconds.toFixed(1)} s`);
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify({
      bench: 'server-requests-profile', date: new Date(started).toISOString(), seconds,
      env: { node: process.version, cpus: cpus().length, loadavgStart: load0, loadavgEnd: load1 }, config: cfg, ...results,
    }, null, 2)}\n`);
    console.log(`raw results: ${relative(process.cwd(), outFile)}`);
    ok = true;
  } finally {
    await stopAll();
    if (ok) rmSync(tmp, { recursive: true, force: true });
    else console.error(`server logs kept in ${tmp}`);
  }
}

main().catch(async (e: unknown) => {
  await stopAll();
  console.error(e instanceof BenchError ? `\nserver-requests profile: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
