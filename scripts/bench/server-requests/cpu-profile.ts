// Reading V8 .cpuprofile files (cpu-probe.mjs, or node --cpu-prof) for profile.ts: self time by
// category, and "inclusive" time of request stages (a sample counts for a stage when any frame of
// its stack belongs to it), optionally limited to a time window.
//
// A caveat the tables repeat: V8's profiler takes a sample of a thread every interval of *wall*
// time, so a thread that is runnable but not running (preempted, e.g. when its loopback write
// wakes the load generator) is charged to whatever frame it was in. Only "(idle)" (waiting in
// epoll) is excluded.
//
// Ferry runs from its bundle (apps/server/dist/main.mjs), so frames in a bundle with a source map
// next to it are mapped back to the TypeScript file and line they came from before the rules
// below (which match source paths) look at them.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber?: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** `up` is the calling frame (native functions have no URL of their own). */
export interface Rule { key: string; test: (f: CallFrame, up: CallFrame | undefined) => boolean }

const has = (f: CallFrame, ...parts: string[]) => parts.some((p) => f.url.includes(p));
const nativeNamed = (f: CallFrame, ...names: string[]) => f.url === '' && names.includes(f.functionName);

/** Self-time categories, first match wins. */
export const CATEGORIES: Rule[] = [
  { key: 'GC (main-thread part)', test: (f) => f.functionName === '(garbage collector)' },
  { key: 'socket write syscall (incl. preemption)', test: (f) => nativeNamed(f, 'writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString') },
  { key: 'log file write (fs.write)', test: (f) => nativeNamed(f, 'writeString') },
  { key: 'pino + Ferry access log', test: (f) => has(f, '/pino/', '@pinojs', 'sonic-boom', 'pino-std-serializers', 'quick-format-unescaped', 'apps/server/src/lib/logger.ts') },
  { key: 'zod + fastify-type-provider-zod', test: (f) => has(f, '/zod/', 'fastify-type-provider-zod') },
  {
    key: 'SQLite statements (better-sqlite3, native)',
    test: (f, up) => nativeNamed(f, 'get', 'all', 'run', 'iterate', 'exec', 'pragma') && !!up && has(up, '/apps/server/src/', 'better-sqlite3'),
  },
  { key: 'token lookup (JS)', test: (f) => has(f, 'modules/tokens/tokens.service.ts') },
  { key: 'ACL grants (JS)', test: (f) => has(f, 'modules/acl/authz.ts') },
  { key: 'crypto (sha256, randomUUID)', test: (f) => has(f, 'node:internal/crypto', 'node:crypto') },
  { key: 'Ferry code (other)', test: (f) => has(f, '/apps/server/src/', '/packages/') },
  {
    key: 'Fastify core + plugins', test: (f) => has(f, '/fastify/', 'find-my-way', 'avvio', 'fast-json-stringify', '@fastify/', 'light-my-request',
      'fast-querystring', 'safe-regex2', 'abstract-logging', 'process-warning', 'rfdc', 'fast-decode-uri-component', 'toad-cache', 'fastify-plugin'),
  },
  { key: 'Node core JS (http, net, streams, events)', test: (f) => f.url.startsWith('node:') },
  { key: 'V8 / native, unattributed', test: (f) => f.functionName === '(program)' || f.url === '' },
  { key: 'other JS', test: () => true },
];

/** Request stages of Ferry's GET /api/v1/hosts (inclusive: any frame of the stack). */
export const STAGES: Rule[] = [
  { key: 'auth onRequest hook (plugins/auth.ts): all of it', test: (f) => has(f, 'apps/server/src/plugins/auth.ts') },
  { key: '  token lookup: tokens.authenticate (SHA-256 + SQLite SELECT)', test: (f) => has(f, 'modules/tokens/tokens.service.ts') && f.functionName === 'authenticate' },
  { key: '  route permission: authz.can(…, sys.read, *)', test: (f) => has(f, 'modules/acl/authz.ts') && f.functionName === 'can' },
  { key: 'handler (hosts.routes.ts): all of it', test: (f) => has(f, 'modules/hosts/hosts.routes.ts') },
  { key: '  authz.filterVisible', test: (f) => has(f, 'modules/acl/authz.ts') && f.functionName === 'filterVisible' },
  { key: 'authz grantMap (SELECT grants + zod role parse), both calls', test: (f) => has(f, 'modules/acl/authz.ts') && f.functionName === 'grantMap' },
  { key: 'all SQLite statements (native calls)', test: (f, up) => nativeNamed(f, 'get', 'all', 'run', 'iterate') && !!up && has(up, '/apps/server/src/') },
  { key: 'response serialization (zod encode + JSON.stringify)', test: (f) => has(f, 'fastify-type-provider-zod') },
  { key: 'access log line (AccessLogController → pino)', test: (f) => has(f, 'apps/server/src/lib/logger.ts') },
  { key: 'any pino frame (access line, child loggers, writes)', test: (f) => has(f, '/pino/', '@pinojs', 'sonic-boom') },
  { key: 'request id (genReqId → randomUUID)', test: (f) => f.functionName === 'randomUUID' || f.functionName === 'genReqId' },
  { key: 'security headers onSend (plugins/security-headers.ts)', test: (f) => has(f, 'apps/server/src/plugins/security-headers.ts') },
  { key: 'audit onSend/onResponse (plugins/audit.ts)', test: (f) => has(f, 'apps/server/src/plugins/audit.ts') },
  { key: 'x-request-id onRequest (plugins/errors.ts)', test: (f) => has(f, 'apps/server/src/plugins/errors.ts') },
  { key: 'socket write syscall (incl. preemption)', test: (f) => nativeNamed(f, 'writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String') },
  { key: 'GC (main-thread part)', test: (f) => f.functionName === '(garbage collector)' },
];

export interface Breakdown {
  /** µs of samples inside the window, not idle */
  busyUs: number;
  idleUs: number;
  windowUs: number;
  byCategory: Record<string, number>;
  byStage: Record<string, number>;
  top: { frame: string; us: number }[];
}

/**
 * `window` is [start, end] in µs of CLOCK_MONOTONIC (process.hrtime.bigint() / 1000), the clock
 * V8 stamps profiles with on Linux. Returns null if no sample falls inside it.
 */
export function analyze(file: string, window: [number, number] | null): Breakdown | null {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  mapBundledFrames(p);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const stageMemo = new Map<number, Set<string>>();
  const stagesOf = (id: number): Set<string> => {
    const m = stageMemo.get(id);
    if (m) return m;
    const n = byId.get(id)!;
    const up = parent.get(id);
    const s = new Set(up === undefined ? [] : stagesOf(up));
    for (const r of STAGES) if (r.test(n.callFrame, frameOf(up))) s.add(r.key);
    stageMemo.set(id, s);
    return s;
  };
  const frameOf = (id: number | undefined) => (id === undefined ? undefined : byId.get(id)!.callFrame);
  const categoryOf = (n: ProfileNode) => CATEGORIES.find((r) => r.test(n.callFrame, frameOf(parent.get(n.id))))!.key;
  // the profiler's own stop call (cpu-probe.mjs) is not part of the server's work
  const probeMemo = new Map<number, boolean>();
  const isProbe = (id: number): boolean => {
    const m = probeMemo.get(id);
    if (m !== undefined) return m;
    const up = parent.get(id);
    const v = byId.get(id)!.callFrame.url.includes('cpu-probe.mjs') || (up !== undefined && isProbe(up));
    probeMemo.set(id, v);
    return v;
  };

  const byCategory: Record<string, number> = {};
  const byStage: Record<string, number> = {};
  const byFrame = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  let t = p.startTime;
  let inWindow = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window[0] || t > window[1])) continue;
    inWindow++;
    const node = byId.get(p.samples[i]!)!;
    const f = node.callFrame;
    if (isProbe(node.id)) continue;
    if (f.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    const c = categoryOf(node);
    byCategory[c] = (byCategory[c] ?? 0) + dt;
    for (const s of stagesOf(node.id)) byStage[s] = (byStage[s] ?? 0) + dt;
    const short = f.url.replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '').replace(/^file:\/\/.*?\/(apps|packages)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${short}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + dt);
  }
  if (inWindow === 0) return null;
  const top = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([frame, us]) => ({ frame, us }));
  return { busyUs, idleUs, windowUs: window ? window[1] - window[0] : p.endTime - p.startTime, byCategory, byStage, top };
}

/** Rewrites frames inside a bundle that has a linked `<bundle>.map` to their source file and line. */
export function mapBundledFrames(p: CpuProfile): void {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      let m: SourceMap | null = null;
      try {
        const file = `${fileURLToPath(url)}.map`;
        if (existsSync(file)) m = new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        m = null;
      }
      maps.set(url, m);
    }
    return maps.get(url)!;
  };
  for (const n of p.nodes) {
    const f = n.callFrame;
    if (!f.url.startsWith('file:') || !f.url.endsWith('.mjs') || f.lineNumber < 0) continue;
    const m = mapOf(f.url);
    const e = m?.findEntry(f.lineNumber, f.columnNumber ?? 0);
    if (!e || !('originalSource' in e)) continue;
    const src = e.originalSource.startsWith('file:') ? e.originalSource : pathToFileURL(fileURLToPath(new URL(e.originalSource, f.url))).href;
    n.callFrame = { ...f, url: src, lineNumber: e.originalLine };
  }
}
