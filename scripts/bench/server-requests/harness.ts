// Shared code of the server-requests bench (run.ts) and its investigation (profile.ts):
// starting servers as child processes and stopping them by pid, reading a process's memory and
// CPU time from /proc, driving autocannon, and small formatting helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result as AutocannonResult } from 'autocannon';
export { freePort } from '../../testing/free-port.ts';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const here = dirname(fileURLToPath(import.meta.url));
/** What `pnpm start` runs: the server bundle when it is current, else the TypeScript through tsx. */
export const FERRY_MAIN = 'apps/server/launch.mjs';

export class BenchError extends Error {}

export function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new BenchError(`${name} must be a non-negative number, not ${v}`);
  return n;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The node flags `pnpm start` runs Ferry with: what stands between `node` and
 * apps/server/launch.mjs in the root package.json's `serve` script.
 */
export function serveNodeFlags(): { flags: string[]; serve: string } {
  const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const serve = pkg.scripts?.serve ?? '';
  const m = /(?:^|[;&|]\s*)node((?:\s+\S+)*?)\s+apps\/server\/launch\.mjs/.exec(serve);
  if (!m) throw new BenchError(`cannot find "node … ${FERRY_MAIN}" in the serve script of package.json: ${JSON.stringify(serve)}`);
  return { flags: m[1]!.trim().split(/\s+/).filter(Boolean), serve };
}

/**
 * The serve script's node flags plus tsx's loader, for benchmarks that run Ferry's TypeScript
 * in a script of their own (metrics/server.ts) rather than the shipped bundle.
 */
export function sourceNodeFlags(): string[] {
  const { flags } = serveNodeFlags();
  return flags.some((f, i) => f === 'tsx' && flags[i - 1] === '--import') ? flags : [...flags, '--import', 'tsx'];
}

export function pkgVersion(fromPkgJson: string, name: string): string | null {
  try {
    let dir = dirname(fromPkgJson);
    for (;;) {
      const p = resolve(dir, 'node_modules', name, 'package.json');
      if (existsSync(p)) return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP requests (set-up calls and checks, not load)

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<Reply> {
  const u = new URL(url);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((ok, fail) => {
    const req = mod.request(u, { method: opts.method ?? 'GET', headers, rejectUnauthorized: false, agent: false, timeout: opts.timeoutMs ?? 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${opts.method ?? 'GET'} ${url}`)));
    req.on('error', fail);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// child servers

export interface ServerSpec {
  name: string;
  /** node's arguments (flags, then the entry) */
  args: string[];
  env: Record<string, string>;
  port: number;
  https?: boolean;
  /** path answered once the server is up (any HTTP status counts) */
  readyPath: string;
  /** stdout and stderr go here */
  logPath: string;
}

export interface Server {
  spec: ServerSpec;
  pid: number;
  url: string;
  proc: ChildProcess;
  /** ms from spawn to the first HTTP answer */
  startMs: number;
  exited: Promise<void>;
}

const live = new Set<Server>();

/** Processes still running from a pid we started; SIGKILLed if we exit without stopping them. */
const descendants = new Set<number>();

process.on('exit', () => {
  for (const s of live) killPid(s.pid, 'SIGKILL');
  for (const pid of descendants) killPid(pid, 'SIGKILL');
});

function killPid(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
};

export function tailOf(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startServer(spec: ServerSpec, timeoutMs = 60_000): Promise<Server> {
  const fd = openSync(spec.logPath, 'a');
  const t0 = performance.now();
  const proc = spawn(process.execPath, spec.args, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...spec.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (proc.pid === undefined) throw new BenchError(`${spec.name}: could not start node`);
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  const server: Server = { spec, pid: proc.pid, url: `${spec.https ? 'https' : 'http'}://127.0.0.1:${spec.port}`, proc, startMs: 0, exited };
  live.add(server);
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) {
      live.delete(server);
      throw new BenchError(`${spec.name} exited during start-up (code ${proc.exitCode ?? proc.signalCode}). Log tail:\n${tailOf(spec.logPath)}`);
    }
    try {
      await request(server.url + spec.readyPath, { timeoutMs: 1000 });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stopServer(server);
        throw new BenchError(`${spec.name} did not answer within ${timeoutMs / 1000} s. Log tail:\n${tailOf(spec.logPath)}`);
      }
      await sleep(25);
    }
  }
  server.startMs = performance.now() - t0;
  return server;
}

/** SIGTERM (a graceful close), SIGKILL after 5 s; then any process it left behind, by pid. */
export async function stopServer(s: Server): Promise<void> {
  if (!live.has(s)) return;
  const left = descendantsOf(s.pid).map((d) => d.pid);
  for (const pid of left) descendants.add(pid);
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    killPid(s.pid, 'SIGTERM');
    const timer = setTimeout(() => killPid(s.pid, 'SIGKILL'), 5000);
    await s.exited;
    clearTimeout(timer);
  }
  live.delete(s);
  // Children of the server (tsx's esbuild service) end when their parent does; give them a moment.
  for (const pid of left) {
    for (let i = 0; i < 40 && alive(pid); i++) await sleep(25);
    if (alive(pid)) killPid(pid, 'SIGKILL');
    descendants.delete(pid);
  }
}

/** Ctrl-C or SIGTERM: stop every server this process started, then exit 130. */
export function stopAllOnSignal(): void {
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: stopping the servers`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => stopServer(s)));
}

// ---------------------------------------------------------------------------------------------
// /proc

export interface ProcMem {
  rssKb: number;
  anonKb: number;
  fileKb: number;
  shmemKb: number;
  hwmKb: number;
  threads: number;
}

function statusOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

const kb = (v: string | undefined): number => (v ? parseInt(v, 10) : 0);

export function memOf(pid: number): ProcMem {
  const s = statusOf(pid);
  return {
    rssKb: kb(s.VmRSS), anonKb: kb(s.RssAnon), fileKb: kb(s.RssFile), shmemKb: kb(s.RssShmem),
    hwmKb: kb(s.VmHWM), threads: kb(s.Threads),
  };
}

export interface Descendant { pid: number; comm: string; rssKb: number }

/** Every process below pid (children, grandchildren…), found through the ppid in /proc/N/stat. */
export function descendantsOf(pid: number): Descendant[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (fields[0] === 'Z') continue;
      parent.set(Number(e), Number(fields[1]));
      comm.set(Number(e), stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // gone meanwhile
    }
  }
  const out: Descendant[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      let rssKb = 0;
      try {
        rssKb = memOf(child).rssKb;
      } catch {
        // gone meanwhile
      }
      out.push({ pid: child, comm: comm.get(child) ?? '?', rssKb });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The kernel's clock ticks per second for /proc/N/stat (USER_HZ: 100 on Linux everywhere that matters). */
const CLK_TCK = 100;

/** CPU time the whole machine spent busy (all CPUs, ns), from the first line of /proc/stat. */
export function machineBusyNs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
  return busy * (1e9 / CLK_TCK);
}

export interface ProcCpu {
  /** all threads, user + system (10 ms resolution) */
  processNs: number;
  /** the main (event-loop) thread: time on a CPU, time runnable but waiting (schedstat, ns) */
  mainRunNs: number;
  mainWaitNs: number;
}

export function cpuOf(pid: number): ProcCpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the comm: state(0) ppid(1) … utime(11) stime(12)
  const processNs = (Number(f[11]) + Number(f[12])) * (1e9 / CLK_TCK);
  let mainRunNs = NaN;
  let mainWaitNs = NaN;
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    mainRunNs = run!;
    mainWaitNs = wait!;
  } catch {
    // schedstat needs CONFIG_SCHED_INFO; the columns then show –
  }
  return { processNs, mainRunNs, mainWaitNs };
}

// ---------------------------------------------------------------------------------------------
// load

export interface LoadConfig { connections: number; pipelining: number; durationS: number }

export interface LoadSample {
  /** 2xx responses per second */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  seconds: number;
  /** server process CPU (all threads) as a share of one CPU */
  serverCpu: number;
  /** server main thread on a CPU, and runnable but waiting for one, as shares of wall time */
  serverMainCpu: number;
  serverMainWait: number;
  /** server CPU time per response, µs (all threads / main thread) */
  serverUsPerReq: number;
  serverMainUsPerReq: number;
  /** this process (autocannon) CPU as a share of one CPU */
  loadgenCpu: number;
  /** every other process on the machine, as a share of one CPU (noise from outside the bench) */
  otherCpu: number;
}

export function runAutocannon(url: string, cfg: LoadConfig, headers: Record<string, string>): Promise<AutocannonResult> {
  return new Promise((ok, fail) => {
    autocannon({
      url, connections: cfg.connections, pipelining: cfg.pipelining, duration: cfg.durationS, headers, timeout: 10,
    }, (err, result) => (err ? fail(err) : ok(result)));
  });
}

/** One autocannon run against a server, with the server's CPU time over the same interval. */
export async function measureLoad(server: Server, path: string, cfg: LoadConfig, headers: Record<string, string> = {}): Promise<LoadSample> {
  const c0 = cpuOf(server.pid);
  const m0 = machineBusyNs();
  const me0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runAutocannon(server.url + path, cfg, headers);
  const wallNs = (performance.now() - t0) * 1e6;
  const me = process.cpuUsage(me0);
  const m1 = machineBusyNs();
  const c1 = cpuOf(server.pid);
  const serverNs = c1.processNs - c0.processNs;
  const meNs = (me.user + me.system) * 1e3;
  const ok = r['2xx'];
  const seconds = r.duration > 0 ? r.duration : wallNs / 1e9;
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = v.count;
  return {
    rps: ok / seconds,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    seconds,
    serverCpu: serverNs / wallNs,
    serverMainCpu: (c1.mainRunNs - c0.mainRunNs) / wallNs,
    serverMainWait: (c1.mainWaitNs - c0.mainWaitNs) / wallNs,
    serverUsPerReq: ok ? (c1.processNs - c0.processNs) / 1e3 / ok : NaN,
    serverMainUsPerReq: ok ? (c1.mainRunNs - c0.mainRunNs) / 1e3 / ok : NaN,
    loadgenCpu: meNs / wallNs,
    otherCpu: Math.max(0, m1 - m0 - serverNs - meNs) / wallNs,
  };
}

// ---------------------------------------------------------------------------------------------
// Ferry set-up: log in as admin, create an API token

export async function createToken(baseUrl: string, password: string): Promise<string> {
  const login = await request(`${baseUrl}/api/v1/auth/login`, { method: 'POST', body: { username: 'admin', password } });
  if (login.status !== 200) throw new BenchError(`login: HTTP ${login.status} ${login.body}`);
  const csrfToken = (JSON.parse(login.body) as { csrfToken?: string }).csrfToken;
  const setCookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('ferry_session='));
  if (!csrfToken || !setCookie) throw new BenchError(`login: no csrfToken or ferry_session cookie in ${login.body}`);
  const cookie = setCookie.split(';')[0]!;
  const tok = await request(`${baseUrl}/api/v1/tokens`, {
    method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken }, body: { name: `bench-${Date.now()}` },
  });
  if (tok.status !== 201) throw new BenchError(`create token: HTTP ${tok.status} ${tok.body}`);
  const secret = (JSON.parse(tok.body) as { secret?: string }).secret;
  if (!secret) throw new BenchError(`create token: no secret in ${tok.body}`);
  return secret;
}

// ---------------------------------------------------------------------------------------------
// formatting

export const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
export const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');
export const mb = (kbytes: number): string => (Number.isFinite(kbytes) ? (kbytes / 1024).toFixed(1) : '–');

/** A Markdown table; `right` marks right-aligned (numeric) columns. */
export function table(header: string[], rows: string[][], right: boolean[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join(' | ')} |`;
  const rule = `|${w.map((n, i) => (right[i] ? `${'-'.repeat(n + 1)}:` : `:${'-'.repeat(n + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
