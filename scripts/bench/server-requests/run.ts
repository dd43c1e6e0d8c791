// Benchmark: Ferry's API server against a bare Fastify, in one run on loopback.
//
// Goals (from the issue):
//   1. an authenticated `GET /api/v1/hosts` reaches ≥ 0.5× the requests/s of a bare Fastify
//      hello-world (`GET /` → {hello:'world'});
//   2. Ferry's idle RSS is ≤ 1.5× that of a bare Fastify + ws process.
//
// Ferry runs as `pnpm start` would run it: that command's setup first builds the libvirt Worker
// bundles (scripts/setup/build-libvirt-workers.mjs) and the server bundle
// (scripts/setup/build-server.mjs), so this benchmark builds them too (nothing to do when they
// are current), and starts apps/server/launch.mjs, which runs the server bundle with plain node.
//
// Each server is a child process of this one, alone on the machine while it is measured
// (started, measured, stopped; the next one starts after), spawned as `node <flags> <entry>`
// so that its pid is the server itself. Every server gets the node flags of `pnpm start`
// (the `serve` script in the root package.json, e.g. --max-semi-space-size=32),
// so the comparison isolates what Ferry adds, not the heap settings:
//   hello       hello-server.mjs: Fastify (apps/server's copy), logger off, GET / → {hello:'world'}
//   hello-ws    the same plus a ws WebSocketServer on its HTTP server (RSS baseline only)
//   floor       floor-server.mjs: hello-ws plus only what ARCHITECTURE.md's libvirt threading
//               model requires (libvirt.so through koffi, an event-loop Worker, a call Worker,
//               qemu:///system open with keepalive) and none of Ferry's code: the least any
//               Ferry can hold under that model (idle RSS only, for information)
//   ferry-http  apps/server/launch.mjs, FERRY_INSECURE_HTTP=1, a data dir made for this run,
//               host 'local' = qemu:///system, log level as shipped (info: one access line per
//               request, to a file); `GET /api/v1/hosts` with `Authorization: Bearer <token>`
// After the interleaved rounds, once, for information: Ferry in its default HTTPS mode
// (self-signed certificate), and hello-ws under plain `node` (no flags).
//
// Idle RSS: VmRSS of /proc/<pid>/status after the server answers and SETTLE seconds pass,
// before any load. Load: autocannon (programmatic, in this process) on 127.0.0.1, the same
// connections/pipelining/duration for every server, after a warm-up run. Tables show medians
// over rounds; verdicts use the median of per-round ratios.
//
// For information only (no verdict): with EXTRAS, hello-ws and Ferry are started once more and
// left idle, their VmRSS read at SETTLE, 10, 20 and LATE seconds after the first answer — V8
// shrinks a heap that start-up left large only once the process has been quiet for a few
// seconds (its memory reducer starts 8 s after a full GC), so the verdict's SETTLE-second
// reading includes start-up's transient and this timeline shows where idle RSS settles.
//
// Run: pnpm exec tsx scripts/bench/server-requests/run.ts
// Env: ROUNDS (3), DURATION (10 s), WARMUP (2 s), SETTLE (5 s), CONNECTIONS (10), PIPELINING (1),
//      EXTRAS (1; 0 skips the HTTPS and plain-node runs and the idle timeline), LATE (30 s: the timeline's last reading). Raw results: scripts/bench/.out/server-requests.json.
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { printVerdicts } from '../report.ts';
import { buildLibvirtWorkers } from '../../setup/build-libvirt-workers.mjs';
import { buildServer } from '../../setup/build-server.mjs';
import { serverBundleState } from '../../../apps/server/bundle-state.mjs';
import { dirname, join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BenchError, FERRY_MAIN, createToken, descendantsOf, envInt, fmt, freePort, here, mb, measureLoad, median, memOf, pct, pkgVersion,
  repo, request, serveNodeFlags, sleep, startServer, stopAll, stopAllOnSignal, stopServer, table, type Descendant, type LoadConfig, type LoadSample,
  type ProcMem, type Server, type ServerSpec,
} from './harness.ts';

const outFile = join(repo, 'scripts/bench/.out/server-requests.json');
const HELLO = join(here, 'hello-server.mjs');
const FLOOR = join(here, 'floor-server.mjs');
const HOSTS_PATH = '/api/v1/hosts';

const serve = serveNodeFlags();
const cfg = {
  rounds: envInt('ROUNDS', 3),
  durationS: envInt('DURATION', 10),
  warmupS: envInt('WARMUP', 2),
  settleS: envInt('SETTLE', 5),
  connections: envInt('CONNECTIONS', 10),
  pipelining: envInt('PIPELINING', 1),
  extras: envInt('EXTRAS', 1) !== 0,
  lateS: envInt('LATE', 30),
  nodeFlags: serve.flags,
  libvirtUri: 'qemu:///system',
  ferryLogLevel: 'info',
};
const load: LoadConfig = { connections: cfg.connections, pipelining: cfg.pipelining, durationS: cfg.durationS };
const warm: LoadConfig = { ...load, durationS: cfg.warmupS };

const GOALS = { rpsRatio: 0.5, rssRatio: 1.5 };

type Variant = 'hello' | 'hello-ws' | 'floor' | 'ferry-http' | 'ferry-https' | 'hello-ws-plain';
const LABELS: Record<Variant, string> = {
  hello: 'bare Fastify hello-world: GET /',
  'hello-ws': 'bare Fastify + ws (idle only)',
  floor: 'bare Fastify + ws + libvirt as ARCHITECTURE.md runs it, no Ferry code (idle only)',
  'ferry-http': `Ferry, plain HTTP: GET ${HOSTS_PATH}, bearer token`,
  'ferry-https': `Ferry, HTTPS (default mode), once: GET ${HOSTS_PATH}, bearer token`,
  'hello-ws-plain': 'bare Fastify + ws under plain `node`, once (idle only)',
};
const ROUND_VARIANTS: Variant[] = ['hello', 'hello-ws', 'floor', 'ferry-http'];
const LOADED = new Set<Variant>(['hello', 'ferry-http', 'ferry-https']);

interface Sample {
  variant: Variant;
  round: number;
  startMs: number;
  idle: ProcMem;
  /** processes the server started (tsx's esbuild service…) and their RSS */
  idleChildren: Descendant[];
  idleTreeRssKb: number;
  afterLoad?: ProcMem;
  load?: LoadSample;
  warmup?: LoadSample;
}
const samples: Sample[] = [];

interface Ctx { dataDir: string; logDir: string; password: string; token: string | null; hostsCheck: unknown; workerBundles?: string; serverBundle?: string }

function specOf(variant: Variant, port: number, ctx: Ctx): ServerSpec {
  const logPath = join(ctx.logDir, `${variant}.log`);
  switch (variant) {
    case 'hello':
    case 'hello-ws':
    case 'hello-ws-plain':
      return {
        name: variant, port, logPath, readyPath: '/',
        args: variant === 'hello-ws-plain' ? [HELLO] : [...cfg.nodeFlags, HELLO],
        env: { BENCH_PORT: String(port), BENCH_WS: variant === 'hello' ? '0' : '1' },
      };
    case 'floor':
      return {
        name: variant, port, logPath, readyPath: '/', args: [...cfg.nodeFlags, FLOOR],
        env: { BENCH_PORT: String(port), BENCH_LIBVIRT_URI: cfg.libvirtUri },
      };
    case 'ferry-http':
    case 'ferry-https':
      return {
        name: variant, port, logPath, readyPath: '/api/v1/health', https: variant === 'ferry-https',
        args: [...cfg.nodeFlags, FERRY_MAIN],
        env: {
          ...(variant === 'ferry-http' ? { FERRY_INSECURE_HTTP: '1' } : {}),
          FERRY_LISTEN: '127.0.0.1', FERRY_PORT: String(port), FERRY_DATA_DIR: ctx.dataDir,
          FERRY_ADMIN_PASSWORD: ctx.password, FERRY_LIBVIRT_URI: cfg.libvirtUri, FERRY_LOG_LEVEL: cfg.ferryLogLevel,
        },
      };
  }
}

const pathOf = (v: Variant) => (v.startsWith('ferry') ? HOSTS_PATH : '/');

/** One visit: start, settle, read idle memory, (check, warm up, measure), stop. */
async function visit(variant: Variant, round: number, ctx: Ctx): Promise<Sample> {
  const server = await startServer(specOf(variant, await freePort(), ctx));
  try {
    await sleep(cfg.settleS * 1000);
    const idle = memOf(server.pid);
    const idleChildren = descendantsOf(server.pid);
    const sample: Sample = {
      variant, round, startMs: server.startMs, idle, idleChildren,
      idleTreeRssKb: idle.rssKb + idleChildren.reduce((a, d) => a + d.rssKb, 0),
    };
    if (LOADED.has(variant)) {
      const headers: Record<string, string> = variant.startsWith('ferry') ? { authorization: `Bearer ${ctx.token}` } : {};
      await check(server, variant, headers, ctx);
      sample.warmup = await measureLoad(server, pathOf(variant), warm, headers);
      sample.load = await measureLoad(server, pathOf(variant), load, headers);
      sample.afterLoad = memOf(server.pid);
    }
    samples.push(sample);
    return sample;
  } finally {
    await stopServer(server);
  }
}

interface Timeline { variant: Variant; points: { s: number; rssKb: number }[] }
const timelines: Timeline[] = [];

/** Information only: one more start, left idle; VmRSS at SETTLE, 10, 20 and LATE s after the first answer. */
async function idleTimeline(variant: Variant, ctx: Ctx): Promise<Timeline> {
  const server = await startServer(specOf(variant, await freePort(), ctx));
  const t0 = performance.now();
  const points: Timeline['points'] = [];
  try {
    for (const s of [...new Set([cfg.settleS, 10, 20, cfg.lateS])].filter((x) => x <= cfg.lateS).sort((a, b) => a - b)) {
      await sleep(Math.max(0, s * 1000 - (performance.now() - t0)));
      points.push({ s, rssKb: memOf(server.pid).rssKb });
    }
  } finally {
    await stopServer(server);
  }
  return { variant, points };
}

async function check(server: Server, variant: Variant, headers: Record<string, string>, ctx: Ctx): Promise<void> {
  const r = await request(server.url + pathOf(variant), { headers });
  if (r.status !== 200) throw new BenchError(`${variant}: GET ${pathOf(variant)} answered HTTP ${r.status}: ${r.body}`);
  const body = JSON.parse(r.body) as { hello?: string; items?: { id: string; state: string }[] };
  if (variant.startsWith('hello') && body.hello !== 'world') throw new BenchError(`${variant}: unexpected body ${r.body}`);
  if (variant.startsWith('ferry')) {
    if (!body.items?.some((h) => h.id === 'local')) throw new BenchError(`${variant}: host 'local' missing from ${r.body}`);
    ctx.hostsCheck ??= body;
  }
}

function line(s: Sample): string {
  const l = s.load;
  return `  ${s.variant.padEnd(14)} up in ${fmt(s.startMs)} ms, idle RSS ${mb(s.idle.rssKb)} MB` +
    (l ? `, ${fmt(l.rps)} req/s, p99 ${l.latencyP99Ms} ms, server CPU ${pct(l.serverCpu)}, load generator CPU ${pct(l.loadgenCpu)}, others ${pct(l.otherCpu)}` +
      (l.non2xx || l.errors ? ` (non-2xx ${l.non2xx}, errors ${l.errors})` : '') : '');
}

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg();
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-bench-server-'));
  const ctx: Ctx = {
    dataDir: join(tmp, 'data'), logDir: join(tmp, 'logs'),
    password: randomBytes(12).toString('base64url'), token: null, hostsCheck: null,
  };
  mkdirSync(ctx.logDir);
  stopAllOnSignal();
  let ok = false;
  try {
    console.log(`node flags of every server (from the serve script): ${cfg.nodeFlags.join(' ') || '(none)'}`);
    const bundles = await buildLibvirtWorkers();
    ctx.workerBundles = bundles.built ? 'built' : 'current';
    console.log(`libvirt Worker bundles (as npm start's setup makes them): ${ctx.workerBundles}`);
    // What npm start runs: launch.mjs runs this bundle while it matches the sources.
    ctx.serverBundle = (await buildServer()).built ? 'built' : 'current';
    console.log(`server bundle (as npm start's setup makes it): ${ctx.serverBundle}`);
    console.log(`load: autocannon, ${cfg.connections} connections, pipelining ${cfg.pipelining}, ${cfg.warmupS} s warm-up + ${cfg.durationS} s; ` +
      `idle RSS after ${cfg.settleS} s; ${cfg.rounds} rounds of ${ROUND_VARIANTS.join(', ')} (rotated)`);

    // Ferry's first start in a fresh data dir (creates the admin, runs migrations); the token
    // made here is used by every later start. No measurement: later starts are restarts.
    process.stdout.write('preparing Ferry (fresh data dir, admin, API token)… ');
    const prep = await startServer(specOf('ferry-http', await freePort(), ctx));
    try {
      ctx.token = await createToken(prep.url, ctx.password);
    } finally {
      await stopServer(prep);
    }
    console.log(`done in ${fmt(prep.startMs)} ms to first answer`);

    for (let round = 0; round < cfg.rounds; round++) {
      const t = Date.now();
      console.log(`round ${round + 1}/${cfg.rounds}`);
      for (let i = 0; i < ROUND_VARIANTS.length; i++) {
        const v = ROUND_VARIANTS[(i + round) % ROUND_VARIANTS.length]!;
        console.log(line(await visit(v, round, ctx)));
      }
      console.log(`  ${((Date.now() - t) / 1000).toFixed(1)} s, load average ${loadavg()[0]!.toFixed(2)}`);
    }
    if (cfg.extras) {
      console.log('extras (once)');
      for (const v of ['ferry-https', 'hello-ws-plain'] as Variant[]) console.log(line(await visit(v, 0, ctx)));
      for (const v of ['hello-ws', 'ferry-http'] as Variant[]) {
        const t = await idleTimeline(v, ctx);
        timelines.push(t);
        console.log(`  ${v.padEnd(14)} idle, VmRSS MB by seconds after the first answer: ${t.points.map((p) => `${p.s} s ${mb(p.rssKb)}`).join(', ')}`);
      }
    }
    report({ started, load0 }, ctx);
    ok = true;
  } finally {
    await stopAll();
    if (ok) rmSync(tmp, { recursive: true, force: true });
    else console.error(`server logs kept in ${ctx.logDir}`);
  }
}

// ---------------------------------------------------------------------------------------------
// summary

interface Row {
  variant: Variant;
  label: string;
  samples: number;
  startMs: number;
  idleRssKb: number;
  idleAnonKb: number;
  idleFileKb: number;
  threads: number;
  children: string;
  treeRssKb: number;
  afterLoadRssKb: number;
  load?: {
    rps: number; rpsMin: number; rpsMax: number; p50: number; p99: number; serverCpu: number; serverMainCpu: number; serverMainWait: number;
    usPerReq: number; mainUsPerReq: number; loadgenCpu: number; otherCpu: number; bad: number;
  };
}

function summarize(): Row[] {
  const variants = [...new Set(samples.map((s) => s.variant))];
  return variants.map((variant) => {
    const ss = samples.filter((s) => s.variant === variant);
    const kids = new Map<string, number[]>();
    for (const s of ss) for (const d of s.idleChildren) kids.set(d.comm, [...(kids.get(d.comm) ?? []), d.rssKb]);
    const row: Row = {
      variant, label: LABELS[variant], samples: ss.length,
      startMs: median(ss.map((s) => s.startMs)),
      idleRssKb: median(ss.map((s) => s.idle.rssKb)),
      idleAnonKb: median(ss.map((s) => s.idle.anonKb)),
      idleFileKb: median(ss.map((s) => s.idle.fileKb)),
      threads: median(ss.map((s) => s.idle.threads)),
      children: [...kids].map(([comm, rss]) => `${comm} ${mb(median(rss))} MB`).join(', ') || '–',
      treeRssKb: median(ss.map((s) => s.idleTreeRssKb)),
      afterLoadRssKb: median(ss.flatMap((s) => (s.afterLoad ? [s.afterLoad.rssKb] : []))),
    };
    const ls = ss.flatMap((s) => (s.load ? [s.load] : []));
    if (ls.length) {
      const rps = ls.map((l) => l.rps);
      row.load = {
        rps: median(rps), rpsMin: Math.min(...rps), rpsMax: Math.max(...rps),
        p50: median(ls.map((l) => l.latencyP50Ms)), p99: median(ls.map((l) => l.latencyP99Ms)),
        serverCpu: median(ls.map((l) => l.serverCpu)), serverMainCpu: median(ls.map((l) => l.serverMainCpu)),
        serverMainWait: median(ls.map((l) => l.serverMainWait)),
        usPerReq: median(ls.map((l) => l.serverUsPerReq)), mainUsPerReq: median(ls.map((l) => l.serverMainUsPerReq)),
        loadgenCpu: median(ls.map((l) => l.loadgenCpu)),
        otherCpu: median(ls.map((l) => l.otherCpu)),
        bad: ls.reduce((a, l) => a + l.non2xx + l.errors, 0),
      };
    }
    return row;
  });
}

/** Median over rounds of a ÷ b measured in the same round. */
function pairedRatio(a: Variant, b: Variant, f: (s: Sample) => number | undefined): { median: number; perRound: number[] } {
  const perRound: number[] = [];
  for (let round = 0; round < cfg.rounds; round++) {
    const sa = samples.find((s) => s.variant === a && s.round === round);
    const sb = samples.find((s) => s.variant === b && s.round === round);
    const va = sa && f(sa);
    const vb = sb && f(sb);
    if (va !== undefined && vb !== undefined && vb > 0) perRound.push(va / vb);
  }
  return { median: median(perRound), perRound };
}

function report(meta: { started: number; load0: number[] }, ctx: Ctx): void {
  const rows = summarize();
  const by = (v: Variant) => rows.find((r) => r.variant === v);

  console.log(`\nThroughput: median of ${cfg.rounds} rounds (min–max), ${cfg.connections} connections, pipelining ${cfg.pipelining}, ${cfg.durationS} s each.`);
  console.log('server CPU = all threads of the server process, in CPUs; main = its event-loop thread on a CPU / runnable but waiting for one;');
  console.log('µs/req = server CPU time per 2xx response; load gen = this process (autocannon); others = every other process on the machine\n(/proc/stat), in CPUs: not part of the bench, it is noise.\n');
  const loaded = rows.filter((r) => r.load);
  console.log(table(
    ['server', 'req/s', 'min–max', 'p50 ms', 'p99 ms', 'server CPU', 'main on CPU', 'main waiting', 'µs/req (all)', 'µs/req (main)', 'load gen CPU', 'others CPU', 'non-2xx+errors'],
    loaded.map((r) => {
      const l = r.load!;
      return [r.label, fmt(l.rps), `${fmt(l.rpsMin)}–${fmt(l.rpsMax)}`, fmt(l.p50, 1), fmt(l.p99, 1), pct(l.serverCpu), pct(l.serverMainCpu),
        pct(l.serverMainWait), fmt(l.usPerReq, 1), fmt(l.mainUsPerReq, 1), pct(l.loadgenCpu), pct(l.otherCpu), fmt(l.bad)];
    }),
    [false, true, true, true, true, true, true, true, true, true, true, true, true],
  ));

  console.log(`\nMemory: VmRSS of the server process ${cfg.settleS} s after its first answer, before any load (median of its samples).`);
  console.log('children = processes the server started (not in its VmRSS; tree = server + children); after load = VmRSS after the measured run.\n');
  console.log(table(
    ['server', 'samples', 'up in ms', 'idle RSS MB', 'anon MB', 'file MB', 'threads', 'children', 'tree MB', 'after load MB'],
    rows.map((r) => [r.label, String(r.samples), fmt(r.startMs), mb(r.idleRssKb), mb(r.idleAnonKb), mb(r.idleFileKb), fmt(r.threads), r.children,
      mb(r.treeRssKb), mb(r.afterLoadRssKb)]),
    [false, true, true, true, true, true, true, false, true, true],
  ));

  const rps = pairedRatio('ferry-http', 'hello', (s) => s.load?.rps);
  const cpuCost = pairedRatio('ferry-http', 'hello', (s) => s.load?.serverUsPerReq);
  const rss = pairedRatio('ferry-http', 'hello-ws', (s) => s.idle.rssKb);
  const rssTree = pairedRatio('ferry-http', 'hello-ws', (s) => s.idleTreeRssKb);
  const floorRss = pairedRatio('floor', 'hello-ws', (s) => s.idle.rssKb);
  const floor = by('floor');
  const hello = by('hello');
  const ferry = by('ferry-http');
  const helloWs = by('hello-ws');
  const https = by('ferry-https');
  const plain = by('hello-ws-plain');
  const bad = (ferry?.load?.bad ?? 0) + (hello?.load?.bad ?? 0);
  const verdicts = [
    {
      goal: `authenticated GET ${HOSTS_PATH} ≥ ${GOALS.rpsRatio}× the req/s of a bare Fastify hello-world`,
      ratio: rps.median,
      pass: rps.median >= GOALS.rpsRatio && bad === 0,
      measured: `${rps.median.toFixed(2)}× (${fmt(ferry?.load?.rps ?? NaN)} vs ${fmt(hello?.load?.rps ?? NaN)} req/s; per round ${rps.perRound.map((x) => x.toFixed(2)).join(', ')})`,
      note: `server CPU per request ${cpuCost.median.toFixed(1)}× the hello-world's (${fmt(ferry?.load?.usPerReq ?? NaN, 1)} vs ${fmt(hello?.load?.usPerReq ?? NaN, 1)} µs)` +
        (https?.load && hello?.load ? `; HTTPS default mode, once: ${fmt(https.load.rps)} req/s = ${(https.load.rps / hello.load.rps).toFixed(2)}× the plain-HTTP hello-world` : '') +
        (bad ? `; ${bad} non-2xx responses or errors: the verdict cannot pass` : ''),
    },
    {
      goal: `idle RSS ≤ ${GOALS.rssRatio}× a bare Fastify + ws process`,
      ratio: rss.median,
      pass: rss.median <= GOALS.rssRatio,
      measured: `${rss.median.toFixed(2)}× (${mb(ferry?.idleRssKb ?? NaN)} vs ${mb(helloWs?.idleRssKb ?? NaN)} MB, both with \`${cfg.nodeFlags.join(' ')}\`; per round ${rss.perRound.map((x) => x.toFixed(2)).join(', ')})`,
      note: `with child processes (${ferry?.children ?? '–'}): ${rssTree.median.toFixed(2)}×` +
        (plain && ferry ? `; vs bare Fastify + ws under plain \`node\` (${mb(plain.idleRssKb)} MB): ${(ferry.idleRssKb / plain.idleRssKb).toFixed(2)}×` : '') +
        (https && helloWs ? `; Ferry HTTPS mode idle ${mb(https.idleRssKb)} MB = ${(https.idleRssKb / helloWs.idleRssKb).toFixed(2)}×` : '') +
        (floor && ferry ? `; the architecture's floor (libvirt as ARCHITECTURE.md runs it, no Ferry code) ${mb(floor.idleRssKb)} MB = ${floorRss.median.toFixed(2)}× ` +
          `(per round ${floorRss.perRound.map((x) => x.toFixed(2)).join(', ')}), Ferry's own code on top of it ${mb(ferry.idleRssKb - floor.idleRssKb)} MB` : ''),
    },
  ];
  const { load1, cpus: n } = printVerdicts(verdicts, meta);
  const tl = (v: Variant) => timelines.find((t) => t.variant === v)?.points.at(-1);
  const lateFerry = tl('ferry-http');
  const lateHello = tl('hello-ws');
  if (lateFerry && lateHello) {
    console.log(`information (not a verdict): left idle ${lateFerry.s} s after the first answer, Ferry ${mb(lateFerry.rssKb)} MB vs bare Fastify + ws ${mb(lateHello.rssKb)} MB = ${(lateFerry.rssKb / lateHello.rssKb).toFixed(2)}× (one start each; see "extras" above)`);
  }
  const seconds = (Date.now() - meta.started) / 1000;
  const noisy = loaded.filter((r) => r.load!.otherCpu > 0.2);
  if (noisy.length) {
    console.log(`note: other processes used ${noisy.map((r) => `${pct(r.load!.otherCpu)} of a CPU during ${r.variant}`).join(', ')} (median): req/s are noisy; the per-round ratios and µs/req less so.`);
  }
  const bundleNow = serverBundleState();
  if (bundleNow.state !== 'fresh') {
    console.log(`note: the server bundle is ${bundleNow.state} now (${bundleNow.changed ?? 'not built'} changed during the run): Ferry starts after that ran the TypeScript through tsx, not what npm start ships; run again.`);
  }
  const saturatedGen = loaded.filter((r) => r.load!.loadgenCpu > 0.9);
  if (saturatedGen.length) {
    console.log(`note: the load generator was near a full CPU for ${saturatedGen.map((r) => r.variant).join(', ')}: that number may be the generator's limit, not the server's.`);
  }

  mkdirSync(dirname(outFile), { recursive: true });
  const serverPkg = resolve(repo, 'apps/server/package.json');
  writeFileSync(outFile, `${JSON.stringify({
    bench: 'server-requests',
    date: new Date(meta.started).toISOString(),
    seconds,
    env: {
      node: process.version, fastify: pkgVersion(serverPkg, 'fastify'), autocannon: pkgVersion(resolve(repo, 'package.json'), 'autocannon'),
      ws: pkgVersion(resolve(repo, 'package.json'), 'ws'), tsx: pkgVersion(resolve(repo, 'package.json'), 'tsx'),
      serveScript: serve.serve, cpus: n, cpuModel: cpus()[0]?.model ?? null, loadavgStart: meta.load0, loadavgEnd: load1,
      hostsResponse: ctx.hostsCheck, libvirtWorkerBundles: ctx.workerBundles ?? null, serverBundle: ctx.serverBundle ?? null,
    },
    config: cfg, goals: GOALS, verdicts, summary: rows, samples, idleTimelines: timelines,
  }, null, 2)}\n`);
  console.log(`raw results: ${relative(process.cwd(), outFile)}`);
}

main().catch(async (e: unknown) => {
  await stopAll();
  console.error(e instanceof BenchError ? `\nserver-requests bench: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
