// The auth plugin's enforcement beyond the contract routes: fail closed on undeclared routes,
// leave routes outside /api/v1 alone, authorize before validating, and fill scopes from the
// query when the params do not carry them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openMemoryDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';
import { fillScope } from '../../plugins/auth.ts';

let app: FastifyInstance;
const logLines: string[] = [];

beforeAll(async () => {
  const logDestination = { write: (line: string) => { logLines.push(line); } };
  app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logDestination });
  app.get('/api/v1/undeclared', async () => ({ secret: 'leaked' }));
  app.get('/outside', async () => ({ ok: true }));
  app.post('/api/v1/test-vms/:vmId/poke', { config: { permission: { kind: 'privilege', privilege: 'vm.power', scope: '/vms/:vmId' } } }, async () => ({ poked: true }));
  app.get('/api/v1/by-query', { config: { permission: { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' } } }, async () => ({ ok: true }));
  await app.ready();
  // Instead of the host registry: VM x and y run on h1.
  app.authz.setVmHostResolver(async (uuid) => (uuid === VM_X || uuid === VM_Y ? 'h1' : null));
});

const VM_X = 'aaaaaaaa-0000-4000-8000-000000000001';
const VM_Y = 'aaaaaaaa-0000-4000-8000-000000000002';
const VM_Z = 'aaaaaaaa-0000-4000-8000-000000000003';
afterAll(() => app.close());

describe('the auth plugin', () => {
  it('refuses a route under /api/v1 that declares no permission, even to an administrator', async () => {
    const admin = await tokenFor(app, 'boss', 'Administrator');
    for (const headers of [{}, admin]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/undeclared', headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect(res.body).not.toContain('leaked');
    }
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg?.includes('declares no permission'));
    expect(line).toMatchObject({ level: 50, method: 'GET', route: '/api/v1/undeclared' });
  });

  it('leaves routes outside /api/v1 to themselves, and answers unknown ones 404 without asking who', async () => {
    expect((await app.inject({ method: 'GET', url: '/outside' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/users' })).statusCode).toBe(404);
  });

  it('decides before validating: a caller without the right never learns what a valid body looks like', async () => {
    const bad = { username: 'NOT VALID', password: 'x', extra: 1 };
    const anon = await app.inject({ method: 'POST', url: '/api/v1/users', payload: bad });
    expect(anon.statusCode).toBe(401);
    await createUser(app, { username: 'aud', role: 'Auditor' });
    const auditor = await loginAs(app, 'aud');
    const refused = await app.inject({ method: 'POST', url: '/api/v1/users', headers: auditor.headers, payload: bad });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details).toBeUndefined();
    // Not even a body that fails to parse gets that far.
    const garbage = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { 'content-type': 'application/json' }, payload: '{nope' });
    expect(garbage.statusCode).toBe(401);
  });

  it('fills a scope from the query when the path has no such param, and falls back to / without it', async () => {
    await createUser(app, { username: 'hops', grants: [{ path: '/hosts/h1', role: 'Auditor' }] });
    const t = await tokenFor(app, 'hops');
    expect((await app.inject({ method: 'GET', url: '/api/v1/by-query?hostId=h1', headers: t })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/by-query?hostId=h2', headers: t })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/by-query', headers: t })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/by-query?hostId=h1&hostId=h2', headers: t })).statusCode).toBe(403);
  });

  it('checks privilege scopes filled from the path, through the ACL chain', async () => {
    await createUser(app, { username: 'hoster', grants: [{ path: '/hosts/h1', role: 'Operator' }] });
    await createUser(app, { username: 'vmer', grants: [{ path: `/vms/${VM_X}`, role: 'Operator' }] });
    const poke = async (who: string, vm: string) => (await app.inject({ method: 'POST', url: `/api/v1/test-vms/${vm}/poke`, headers: await tokenFor(app, who) })).statusCode;
    expect(await poke('hoster', VM_X)).toBe(200);
    expect(await poke('hoster', VM_Y)).toBe(200);
    expect(await poke('hoster', VM_Z)).toBe(403);
    expect(await poke('vmer', VM_X)).toBe(200);
    expect(await poke('vmer', VM_Y)).toBe(403);
    expect(await poke('vmer', 'not-a-uuid')).toBe(403);
  });

  it('refuses malformed bearer headers and unknown secrets alike', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Basic YWRtaW46eA==', 'Bearer ferry_x', `Bearer ferry_${'A'.repeat(43)}`]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });
});

describe('logs', () => {
  it('carry failed sign-ins by name and address, and never a password, session id or CSRF token', async () => {
    await createUser(app, { username: 'logan', password: 'hunter2-secret-pw' });
    const failed = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'logan', password: 'hunter3-wrong-pw' }, remoteAddress: '10.7.0.1' });
    expect(failed.statusCode).toBe(401);
    const s = await loginAs(app, 'logan', 'hunter2-secret-pw');
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
    const all = logLines.join('\n');
    const failure = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'authentication failure' && l.username === 'logan');
    expect(failure).toMatchObject({ ip: '10.7.0.1', code: 'UNAUTHENTICATED' });
    for (const secret of ['hunter2-secret-pw', 'hunter3-wrong-pw', s.cookie.split('=')[1]!, s.csrfToken]) expect(all).not.toContain(secret);
  });
});

describe('fillScope', () => {
  it('fills placeholders from params, then query; anything missing means /', () => {
    expect(fillScope('/vms/:vmId', { vmId: 'abc' }, {})).toBe('/vms/abc');
    expect(fillScope('/hosts/:hostId', {}, { hostId: 'h1' })).toBe('/hosts/h1');
    expect(fillScope('/hosts/:hostId', { hostId: 'p' }, { hostId: 'q' })).toBe('/hosts/p');
    expect(fillScope('/hosts/:hostId', {}, {})).toBe('/');
    expect(fillScope('/hosts/:hostId', {}, { hostId: ['a', 'b'] })).toBe('/');
    expect(fillScope('*', {}, {})).toBe('*');
    expect(fillScope('/', { x: 'y' }, {})).toBe('/');
  });
});
