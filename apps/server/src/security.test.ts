// What every response carries (security headers, request id), what each kind of bad request
// gets (400/404/413/415 in the one error shape), that 5xx bodies hold no internals, and the
// header-size limit as a real client meets it on a socket.
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ERROR_STATUS } from '@ferry/contract';
import { buildApp } from './app.ts';
import { openMemoryDatabase } from './db/database.ts';
import { loadOrCreateCertificate } from './lib/tls.ts';
import { API_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY } from './plugins/security-headers.ts';
import { testConfig } from './test-support/build-test-app.ts';

const PUBLIC = { permission: { kind: 'public' as const } };
const INTERNALS = 'sqlite said /var/lib/ferry/ferry.db is locked at Database.prepare';

async function appWithTestRoutes(https?: { key: Buffer; cert: Buffer }): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false, ...(https ? { https } : {}) });
  app.get('/api/v1/test/throws', { config: PUBLIC }, async () => {
    throw new Error(INTERNALS);
  });
  app.get('/api/v1/test/throws-503', { config: PUBLIC }, async () => {
    throw Object.assign(new Error(INTERNALS), { statusCode: 503 });
  });
  app.get('/api/v1/test/throws-string', { config: PUBLIC }, async () => {
    throw INTERNALS;
  });
  app.post('/api/v1/test/echo', { config: PUBLIC }, async (req) => ({ got: typeof req.body }));
  await app.ready();
  return app;
}

function expectErrorShape(res: LightMyRequestResponse, status: number, code: string): { message: string } {
  expect(res.statusCode, res.body).toBe(status);
  expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status);
  const body = res.json() as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers['x-request-id']).toBe(body.error.requestId);
  return body.error;
}

/** `url` under /api/v1 gets the API answer's set, anything else a document's. */
function expectSecurityHeaders(res: LightMyRequestResponse, url: string, tls = false): void {
  const api = url.startsWith('/api/v1');
  expect(res.headers['content-security-policy']).toBe(api ? API_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cross-origin-opener-policy']).toBe(api ? undefined : 'same-origin');
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  if (tls) expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
  else expect(res.headers['strict-transport-security']).toBeUndefined();
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

let app: FastifyInstance;
beforeAll(async () => { app = await appWithTestRoutes(); });
afterAll(() => app.close());

describe('security headers', () => {
  it('the CSP allows no inline script and no framing', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('an API answer\'s CSP lets nothing load, run or frame it', () => {
    expect(API_CONTENT_SECURITY_POLICY.split('; ').sort()).toEqual(["default-src 'none'", "frame-ancestors 'none'"]);
  });

  it.each([
    ['an API answer', { method: 'GET', url: '/api/v1/health' }, 200],
    ['an unknown route', { method: 'GET', url: '/api/v1/nope' }, 404],
    ['a wrong method', { method: 'PUT', url: '/api/v1/health' }, 404],
    ['malformed JSON', { method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' }, 400],
    ['a body over the limit', { method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(1 << 20)}"` }, 413],
    ['an unsupported content type', { method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, 415],
    ['an undecodable URL', { method: 'GET', url: '/api/v1/hosts/%E0%A4%A' }, 400],
    ['an overlong path parameter', { method: 'GET', url: `/api/v1/hosts/${'a'.repeat(300)}` }, 400],
    ['a crash', { method: 'GET', url: '/api/v1/test/throws' }, 500],
    ['the docs page', { method: 'GET', url: '/api/docs/' }, 200],
  ] as const)('are on %s (%s)', async (_what, req, status) => {
    const res = await app.inject(req);
    expect(res.statusCode).toBe(status);
    expectSecurityHeaders(res, req.url);
    if (req.url.startsWith('/api/v1')) expect(res.headers['cache-control']).toBe('no-store');
    else expect(res.headers['cache-control']).toBeUndefined();
  });

  it('add Strict-Transport-Security only when the server runs TLS', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-sec-'));
    const tls = loadOrCreateCertificate(dir);
    const tlsApp = await appWithTestRoutes({ key: tls.key, cert: tls.cert });
    try {
      for (const url of ['/api/v1/health', '/api/v1/nope', '/api/v1/hosts/%E0%A4%A']) expectSecurityHeaders(await tlsApp.inject({ method: 'GET', url }), url, true);
    } finally {
      await tlsApp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad requests get a 4xx in the one error shape, with the request id', () => {
  const json = { 'content-type': 'application/json' };

  it('malformed, empty or prototype-polluting JSON → 400 BAD_REQUEST', async () => {
    for (const payload of ['{"username":', '', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '\u00ff\u00fe{}']) {
      expectErrorShape(await app.inject({ method: 'POST', url: '/api/v1/test/echo', headers: json, payload }), 400, 'BAD_REQUEST');
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('unknown fields and wrong types → 400 BAD_REQUEST with details', async () => {
    const extra = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: json, payload: { username: 'a', password: 'b', admin: true } });
    const err = expectErrorShape(extra, 400, 'BAD_REQUEST') as { details?: unknown[] };
    expect(err.details?.length).toBeGreaterThan(0);
    expectErrorShape(await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: json, payload: { username: 1, password: ['x'] } }), 400, 'BAD_REQUEST');
  });

  it('a JSON body over 1 MiB → 413 PAYLOAD_TOO_LARGE; one just under is read', async () => {
    const limit = testConfig().limits.bodyBytes;
    expect(limit).toBe(1 << 20);
    const over = `{"username":"a","password":"${'x'.repeat(limit)}"}`;
    expectErrorShape(await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: json, payload: over }), 413, 'PAYLOAD_TOO_LARGE');
    const under = `"${'x'.repeat(limit - 10)}"`;
    const res = await app.inject({ method: 'POST', url: '/api/v1/test/echo', headers: json, payload: under });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ got: 'string' });
  });

  it('bodies that are not JSON → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'garbage']) {
      expectErrorShape(await app.inject({ method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': type }, payload: 'a=b' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    // A body with no content type at all is not JSON either.
    expectErrorShape(await app.inject({ method: 'POST', url: '/api/v1/test/echo', payload: Buffer.from('{"a":1}') }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('undecodable URLs and overlong parameters → 400, not Fastify\'s own bodies or a 414', async () => {
    expectErrorShape(await app.inject({ method: 'GET', url: '/api/v1/hosts/%ff' }), 400, 'BAD_REQUEST');
    expectErrorShape(await app.inject({ method: 'GET', url: `/api/v1/hosts/${'a'.repeat(201)}/readiness` }), 400, 'BAD_REQUEST');
  });

  it('an unknown route → 404 NOT_FOUND without echoing the query, and a long path cut short', async () => {
    const err = expectErrorShape(await app.inject({ method: 'GET', url: `/api/v1/${'p'.repeat(5000)}?ticket=abc` }), 404, 'NOT_FOUND');
    expect(err.message).not.toContain('ticket');
    expect(err.message.length).toBeLessThan(200);
  });
});

describe('5xx bodies hold no internals', () => {
  it.each(['/api/v1/test/throws', '/api/v1/test/throws-503', '/api/v1/test/throws-string'])('%s → {code: INTERNAL, message: "internal error"}', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expectErrorShape(res, 500, 'INTERNAL');
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error', requestId: res.headers['x-request-id'] } });
    expect(res.body).not.toContain('sqlite');
    expect(res.body).not.toContain('at ');
  });
});

describe('request header limit (16 KiB), over a real socket', () => {
  let server: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    server = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false });
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as net.AddressInfo).port;
  });
  afterAll(() => server.close());

  /** Sends raw bytes (no half-close: the server closes once it has answered). */
  function raw(request: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => socket.destroy(), 3000);
      socket.setEncoding('latin1');
      socket.on('data', (d) => { data += d; });
      socket.on('close', () => { clearTimeout(timer); resolve(data); });
      socket.on('error', () => undefined);
      socket.write(request, 'latin1');
    });
  }

  it('headers over the limit get 431 from Node\'s parser, then the connection closes; the server stays up', async () => {
    const big = await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`);
    // What a client gets: Fastify's clientError answer — a status line and a small JSON body,
    // no request id (the request was refused before Fastify made a request of it).
    expect(big).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(big).toContain('"statusCode":431');
    const ok = await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(15 * 1024)}\r\nConnection: close\r\n\r\n`);
    expect(ok).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('a garbage request line gets 400 and the server stays up', async () => {
    const res = await raw('GET /api/v1/health\x00\xff HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
    const ok = await raw('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(ok).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });
});
