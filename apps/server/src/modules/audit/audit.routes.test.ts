import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AuditEntry } from '@ferry/contract';
import { openMemoryDatabase } from '../../db/database.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import auditPlugin, { recordAudit, targetFromRoute } from '../../plugins/audit.ts';
import errors from '../../plugins/errors.ts';
import tasksPlugin from '../../plugins/tasks.ts';
import { createUser, loginAs, TEST_PASSWORD, tokenFor } from '../../test-support/auth-helpers.ts';
import { buildTestApp, testConfig } from '../../test-support/build-test-app.ts';
import { tasksRoutes } from '../tasks/tasks.routes.ts';
import { auditRoutes } from './audit.routes.ts';

// A small app with a stand-in for the auth plugin (`x-test-user` picks the principal), the
// audit recorder, the task routes (a real mutation: DELETE /tasks/:taskId) and a few test-only
// routes. Who may read /audit is the auth plugin's business (route permission sys.audit on /).
const ALICE: Principal = { userId: 'alice-0001', username: 'alice', via: 'session', sessionId: 'sess-1', tokenId: null, roleCap: null };
const BOT: Principal = { userId: 'bot-000001', username: 'bot', via: 'token', sessionId: null, tokenId: 'tok-00001', roleCap: 'Operator' };
const PEOPLE: Record<string, Principal> = { alice: ALICE, bot: BOT };

async function auditApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', testConfig());
  app.decorate('db', openMemoryDatabase());
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const who = req.headers['x-test-user'];
    req.principal = typeof who === 'string' ? PEOPLE[who] ?? null : null;
  });
  await app.register(errors);
  await app.register(auditPlugin);
  await app.register(tasksPlugin);
  await app.register(tasksRoutes);
  await app.register(auditRoutes);
  await app.register(async (scope) => {
    scope.put('/api/v1/vms/:vmId/config', async (req) => {
      req.auditDiff = {
        before: { memoryMiB: 1024, vcpus: 1, password: 'old-pass', console: { ticket: 'tk-old' } },
        after: { memoryMiB: 2048, vcpus: 1, password: 'hunter2', console: { ticket: 'tk-new' }, nested: { deep: { token: 'sekrit-token' } } },
      };
      return { ok: true };
    });
    scope.post('/api/v1/vms', async (req, reply) => {
      req.auditTarget = 'vm:3f1c0a62-0000-4000-8000-000000000001';
      return reply.code(202).send({ taskId: 'task-00001' });
    });
    scope.post('/api/v1/vms/:vmId/start', async () => { throw new AppError('INVALID_STATE', 'domain is already running'); });
    scope.post('/api/v1/vms/:vmId/crash', async () => { throw new Error('disk /secret/path exploded'); });
    scope.get('/api/v1/vms/:vmId/config', async () => ({ memoryMiB: 2048 }));
    scope.post('/elsewhere', async () => ({ ok: true }));
  });
  await app.ready();
  return app;
}

let app: FastifyInstance;
beforeEach(async () => { app = await auditApp(); });
afterEach(() => app.close());

const VM = '3f1c0a62-0000-4000-8000-000000000001';
const rawRows = () => app.db.prepare('SELECT * FROM audit ORDER BY id').all() as Record<string, unknown>[];
async function listAudit(query = ''): Promise<{ items: AuditEntry[]; total: number; limit: number; offset: number }> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/audit${query}`, headers: { 'x-test-user': 'alice' } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('recording', () => {
  it('records a successful mutation: who, how, from where, route, target, result and duration', async () => {
    const g = { open: () => {} };
    app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: VM }, userId: ALICE.userId, run: () => new Promise<void>((r) => { g.open = r; }) });
    const queued = app.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: VM }, userId: ALICE.userId, run: async () => 1 });
    const res = await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${queued}`, headers: { 'x-test-user': 'alice' } });
    expect(res.statusCode).toBe(200);
    g.open();
    const { items } = await listAudit();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      userId: ALICE.userId, username: 'alice', auth: 'session', tokenId: null, sourceIp: '127.0.0.1',
      method: 'DELETE', route: '/tasks/:taskId', target: `task:${queued}`, status: 200, result: 'success', errorCode: null,
      requestId: res.headers['x-request-id'], diff: null,
    });
    expect(items[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(items[0]!.at)).toBeLessThan(60_000);
    // A query string is never stored, even on a request refused because of it.
    const refused = await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${queued}?ticket=never-stored`, headers: { 'x-test-user': 'alice' } });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(rawRows())).not.toContain('never-stored');
  });

  it('records a failed mutation with its error code, and a token caller as such', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/tasks/no-such-task', headers: { 'x-test-user': 'bot' } });
    expect(res.statusCode).toBe(404);
    const conflict = await app.inject({ method: 'POST', url: `/api/v1/vms/${VM}/start`, headers: { 'x-test-user': 'bot' } });
    expect(conflict.statusCode).toBe(409);
    const { items } = await listAudit();
    expect(items.map((e) => [e.route, e.status, e.result, e.errorCode, e.target])).toEqual([
      ['/vms/:vmId/start', 409, 'error', 'INVALID_STATE', `vm:${VM}`],
      ['/tasks/:taskId', 404, 'error', 'NOT_FOUND', 'task:no-such-task'],
    ]);
    expect(items[0]).toMatchObject({ auth: 'token', tokenId: 'tok-00001', userId: BOT.userId, username: 'bot' });
  });

  it('records an internal failure by code only', async () => {
    await app.inject({ method: 'POST', url: `/api/v1/vms/${VM}/crash`, headers: { 'x-test-user': 'alice' } });
    expect(rawRows()[0]).toMatchObject({ status: 500, result: 'error', error_code: 'INTERNAL' });
    expect(JSON.stringify(rawRows())).not.toContain('/secret/path');
  });

  it('records an unauthenticated mutation with no user', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/tasks/abcdefgh1234' });
    expect(res.statusCode).toBe(401);
    expect(rawRows()[0]).toMatchObject({ user_id: null, username: null, auth: null, token_id: null, status: 401, result: 'error', error_code: 'UNAUTHENTICATED' });
  });

  it('records a mutation of an unknown route by its path, without the query', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/nothing/here?password=x', headers: { 'x-test-user': 'alice' } });
    expect(rawRows()[0]).toMatchObject({ route: '/nothing/here', target: null, status: 404, error_code: 'NOT_FOUND' });
    expect(JSON.stringify(rawRows())).not.toContain('password=x');
  });

  it('stores the diff of a configuration change without secrets, and never the request body', async () => {
    const res = await app.inject({
      method: 'PUT', url: `/api/v1/vms/${VM}/config`, headers: { 'x-test-user': 'alice' },
      payload: { memoryMiB: 2048, password: 'body-password', description: 'body-text' },
    });
    expect(res.statusCode).toBe(200);
    const { items } = await listAudit();
    expect(items[0]).toMatchObject({ route: '/vms/:vmId/config', target: `vm:${VM}` });
    expect(items[0]!.diff).toEqual({ changes: [{ path: '/memoryMiB', before: 1024, after: 2048 }, { path: '/nested', after: { deep: {} } }] });
    const stored = JSON.stringify(rawRows());
    for (const secret of ['old-pass', 'hunter2', 'tk-old', 'tk-new', 'sekrit-token', 'body-password', 'body-text']) expect(stored).not.toContain(secret);
  });

  it('takes the target a handler names', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/vms', headers: { 'x-test-user': 'alice' }, payload: { name: 'web' } });
    expect(rawRows()[0]).toMatchObject({ route: '/vms', target: `vm:${VM}`, status: 202, result: 'success' });
  });

  it('records nothing for reads or for paths outside the API', async () => {
    await app.inject({ method: 'GET', url: `/api/v1/vms/${VM}/config`, headers: { 'x-test-user': 'alice' } });
    await app.inject({ method: 'GET', url: '/api/v1/tasks', headers: { 'x-test-user': 'alice' } });
    await app.inject({ method: 'POST', url: '/elsewhere' });
    await listAudit();
    expect(rawRows()).toEqual([]);
  });
});

describe('targets from routes', () => {
  it('names each parameter by the collection before it', () => {
    expect(targetFromRoute('/vms/:vmId/snapshots/:name/revert', { vmId: VM, name: 'before-upgrade' })).toBe(`vm:${VM}/snapshot:before-upgrade`);
    expect(targetFromRoute('/storage/pools/:pool/volumes/upload', { pool: 'default' })).toBe('pool:default');
    expect(targetFromRoute('/hosts/:hostId', { hostId: 'h1' })).toBe('host:h1');
    expect(targetFromRoute('/acl', {})).toBeNull();
  });
});

describe('GET /audit', () => {
  function seed() {
    const base = Date.parse('2025-03-01T10:00:00Z');
    const entry = (i: number, p: Principal | null, route: string, target: string | null, ok: boolean) => recordAudit(app.db, {
      principal: p, sourceIp: '10.0.0.1', method: 'POST', route, target, status: ok ? 200 : 409, result: ok ? 'success' : 'error',
      errorCode: ok ? null : 'INVALID_STATE', durationMs: 3, requestId: `req-${i}`, at: new Date(base + i * 3600_000),
    });
    entry(0, ALICE, '/vms/:vmId/start', `vm:${VM}`, true);
    entry(1, BOT, '/vms/:vmId/stop', `vm:${VM}`, false);
    entry(2, ALICE, '/vms/:vmId/snapshots', `vm:${VM}/snapshot:s1`, true);
    entry(3, null, '/auth/login', null, false);
    entry(4, ALICE, '/hosts', 'host:h2', true);
    entry(5, BOT, '/vmsx', null, true);
  }
  const ids = (page: { items: AuditEntry[] }) => page.items.map((e) => e.requestId);

  it('lists newest first with paging', async () => {
    seed();
    const first = await listAudit('?limit=2');
    expect(first).toMatchObject({ total: 6, limit: 2, offset: 0 });
    expect(ids(first)).toEqual(['req-5', 'req-4']);
    expect(ids(await listAudit('?limit=2&offset=4'))).toEqual(['req-1', 'req-0']);
  });

  it('filters by user, username, route (prefix), result, target (prefix) and time', async () => {
    seed();
    expect(ids(await listAudit(`?userId=${BOT.userId}`))).toEqual(['req-5', 'req-1']);
    expect(ids(await listAudit('?username=ALICE'))).toEqual(['req-4', 'req-2', 'req-0']);
    expect(ids(await listAudit('?route=/vms'))).toEqual(['req-2', 'req-1', 'req-0']);
    expect(ids(await listAudit(`?route=${encodeURIComponent('/vms/:vmId/stop')}`))).toEqual(['req-1']);
    expect(ids(await listAudit('?result=error'))).toEqual(['req-3', 'req-1']);
    expect(ids(await listAudit(`?target=vm:${VM}`))).toEqual(['req-2', 'req-1', 'req-0']);
    expect(ids(await listAudit(`?target=${encodeURIComponent(`vm:${VM}/snapshot:s1`)}`))).toEqual(['req-2']);
    expect(ids(await listAudit(`?from=${encodeURIComponent('2025-03-01T12:00:00+01:00')}&to=2025-03-01T13:00:00Z`))).toEqual(['req-3', 'req-2', 'req-1']);
    expect(ids(await listAudit('?route=/vms&result=success&limit=1'))).toEqual(['req-2']);
  });

  it('treats LIKE wildcards in filters literally', async () => {
    seed();
    expect(ids(await listAudit('?route=%25'))).toEqual([]);
    expect(ids(await listAudit('?target=vm_'))).toEqual([]);
  });

  it('rejects malformed filters', async () => {
    for (const q of ['?from=yesterday', '?result=maybe', '?limit=501', '?userId=a/b', '?extra=1']) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/audit${q}`, headers: { 'x-test-user': 'alice' } });
      expect(res.statusCode, q).toBe(400);
    }
  });
});

describe('in the full app', () => {
  it('with real auth: records token and session callers; only sys.audit holders read the log', async () => {
    const full = await buildTestApp();
    try {
      const admin = await tokenFor(full, 'alice', 'Administrator');
      await createUser(full, { username: 'olga', role: 'Operator' });
      await createUser(full, { username: 'audrey', role: 'Auditor' });
      const notFound = await full.inject({ method: 'DELETE', url: '/api/v1/tasks/abcdefgh12345678', headers: admin });
      expect(notFound.statusCode).toBe(404);
      const olga = await loginAs(full, 'olga');
      const audrey = await loginAs(full, 'audrey');
      expect((await full.inject({ method: 'GET', url: '/api/v1/audit', headers: olga.headers })).statusCode).toBe(403);
      const res = await full.inject({ method: 'GET', url: '/api/v1/audit?route=/tasks', headers: audrey.headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toMatchObject([{ username: 'alice', auth: 'token', tokenId: expect.any(String), status: 404, errorCode: 'NOT_FOUND' }]);
      const logins = await full.inject({ method: 'GET', url: '/api/v1/audit?route=/auth/login', headers: audrey.headers });
      expect(logins.json().total).toBe(2);
      const everything = JSON.stringify(full.db.prepare('SELECT * FROM audit').all());
      expect(everything).not.toContain(TEST_PASSWORD);
      expect(everything).not.toContain(olga.csrfToken);
    } finally {
      await full.close();
    }
  });

  it('records an unauthenticated mutation', async () => {
    const full = await buildTestApp();
    try {
      const res = await full.inject({ method: 'DELETE', url: '/api/v1/tasks/abcdefgh12345678' });
      expect(res.statusCode).toBe(401);
      // Other plugins' onResponse hooks may run first (and await): poll briefly for the row.
      const row = await vi.waitFor(() => {
        const found = full.db.prepare('SELECT * FROM audit').get() as Record<string, unknown> | undefined;
        if (!found) throw new Error('no audit row yet');
        return found;
      });
      expect(row).toMatchObject({ method: 'DELETE', route: '/tasks/:taskId', user_id: null, status: 401, result: 'error', error_code: 'UNAUTHENTICATED' });
    } finally {
      await full.close();
    }
  });
});
