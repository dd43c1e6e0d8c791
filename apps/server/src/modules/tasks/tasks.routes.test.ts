import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { buildApp } from '../../app.ts';
import { openDatabase, openMemoryDatabase } from '../../db/database.ts';
import type { Principal } from '../../lib/principal.ts';
import errors from '../../plugins/errors.ts';
import tasksPlugin from '../../plugins/tasks.ts';
import { createUser, loginAs } from '../../test-support/auth-helpers.ts';
import { buildTestApp, testConfig } from '../../test-support/build-test-app.ts';
import type { TaskContext } from './task-service.ts';
import { tasksRoutes } from './tasks.routes.ts';

// These tests exercise the task routes' own rules (visibility, cancel, long-poll) on a small
// app with a stand-in for the auth plugin: `x-test-user` picks the principal, and only
// `audrey` holds sys.audit. Route permissions themselves are the auth plugin's tests.
const person = (userId: string, username: string): Principal => ({ userId, username, via: 'session', sessionId: `s-${userId}`, tokenId: null, roleCap: null });
const PEOPLE: Record<string, Principal> = {
  alice: person('alice-0001', 'alice'),
  bob: person('bob-000001', 'bob'),
  audrey: person('audrey-001', 'audrey'),
};

async function taskApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const db = openMemoryDatabase();
  const now = new Date().toISOString();
  for (const p of Object.values(PEOPLE)) {
    db.prepare("INSERT INTO users (id, username, password_hash, created_at, updated_at) VALUES (?, ?, 'x', ?, ?)").run(p.userId, p.username, now, now);
  }
  app.decorate('config', testConfig());
  app.decorate('db', db);
  app.decorate('authz', { can: async (p: Principal, privilege: string, aclPath: string) => privilege === 'sys.audit' && aclPath === '/' && p.userId === PEOPLE.audrey!.userId } as never);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const who = req.headers['x-test-user'];
    req.principal = typeof who === 'string' ? PEOPLE[who] ?? null : null;
  });
  await app.register(errors);
  await app.register(tasksPlugin);
  await app.register(tasksRoutes);
  await app.ready();
  return app;
}

function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => { open = r; });
  return { done, open };
}
const tick = () => new Promise<void>((r) => setImmediate(r));

let app: FastifyInstance;
beforeEach(async () => { app = await taskApp(); });
afterEach(() => app.close());

const as = (who: string, method: 'GET' | 'DELETE', url: string) => app.inject({ method, url: `/api/v1${url}`, headers: { 'x-test-user': who } });

describe('GET /tasks', () => {
  it("shows a user their own tasks and an auditor everyone's, newest first, paged", async () => {
    const a1 = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, hostId: 'h1', userId: PEOPLE.alice!.userId, run: async () => 1 });
    const b1 = app.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v2' }, hostId: 'h2', userId: PEOPLE.bob!.userId, run: async () => 1 });
    const a2 = app.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v3' }, hostId: 'h1', userId: PEOPLE.alice!.userId, run: async () => 1 });
    await app.tasks.wait(a2, 5000);

    const mine = await as('alice', 'GET', '/tasks');
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ total: 2, limit: 100, offset: 0 });
    expect(mine.json().items.map((t: { id: string }) => t.id)).toEqual([a2, a1]);
    expect(mine.json().items[0]).toMatchObject({ username: 'alice', state: 'succeeded', target: { kind: 'vm', id: 'v3' }, hostId: 'h1', result: 1 });

    const all = await as('audrey', 'GET', '/tasks?limit=2');
    expect(all.json()).toMatchObject({ total: 3, limit: 2 });
    expect(all.json().items.map((t: { id: string }) => t.id)).toEqual([a2, b1]);
    expect((await as('audrey', 'GET', '/tasks?limit=2&offset=2')).json().items.map((t: { id: string }) => t.id)).toEqual([a1]);

    expect((await as('audrey', 'GET', '/tasks?type=vm.stop&hostId=h1')).json().items.map((t: { id: string }) => t.id)).toEqual([a2]);
    expect((await as('audrey', 'GET', '/tasks?targetId=v2&state=succeeded')).json().items.map((t: { id: string }) => t.id)).toEqual([b1]);
    expect((await as('alice', 'GET', '/tasks?targetId=v2')).json()).toMatchObject({ total: 0, items: [] });
  });

  it('rejects bad filters and unauthenticated callers', async () => {
    expect((await as('alice', 'GET', '/tasks?state=done')).statusCode).toBe(400);
    expect((await as('alice', 'GET', '/tasks?limit=0')).statusCode).toBe(400);
    const anon = await app.inject({ method: 'GET', url: '/api/v1/tasks' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /tasks/:taskId', () => {
  it("answers a task to its owner and to an auditor, and 404 to anyone else", async () => {
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: async () => ({ ok: true }) });
    await app.tasks.wait(id, 5000);
    const res = await as('alice', 'GET', `/tasks/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, type: 'vm.start', state: 'succeeded', result: { ok: true }, userId: PEOPLE.alice!.userId, cancellable: false });
    expect((await as('audrey', 'GET', `/tasks/${id}`)).statusCode).toBe(200);
    const other = await as('bob', 'GET', `/tasks/${id}`);
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
    expect((await as('alice', 'GET', '/tasks/no-such-task')).statusCode).toBe(404);
    expect((await as('alice', 'GET', '/tasks/bad!id')).statusCode).toBe(400);
  });

  it('long-polls: answers as soon as the task finishes, well under the wait', async () => {
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: () => new Promise((r) => setTimeout(() => r('up'), 100)) });
    const t0 = performance.now();
    const res = await as('alice', 'GET', `/tasks/${id}?wait=20`);
    const elapsed = performance.now() - t0;
    expect(res.json()).toMatchObject({ state: 'succeeded', result: 'up' });
    expect(elapsed).toBeLessThan(3000);
  });

  it('long-polls: answers the running view when the wait runs out', async () => {
    const g = gate();
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: () => g.done });
    const t0 = performance.now();
    const res = await as('alice', 'GET', `/tasks/${id}?wait=0.3`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(res.json()).toMatchObject({ id, state: 'running' });
    g.open();
  });

  it('bounds the wait to 60 seconds', async () => {
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: async () => 1 });
    const res = await as('alice', 'GET', `/tasks/${id}?wait=61`);
    expect(res.statusCode).toBe(400);
    expect((await as('alice', 'GET', `/tasks/${id}?wait=-1`)).statusCode).toBe(400);
  });
});

describe('GET /tasks/:taskId/log', () => {
  it('lists the log lines in order, and those after a seq', async () => {
    const id = app.tasks.submit({
      type: 'vm.migrate', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId,
      run: async (ctx: TaskContext) => { ctx.log('preflight ok'); ctx.log('copying memory'); ctx.log('slow link', 'warn'); },
    });
    await app.tasks.wait(id, 5000);
    const res = await as('alice', 'GET', `/tasks/${id}/log`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toMatchObject([
      { seq: 1, level: 'info', message: 'preflight ok' },
      { seq: 2, level: 'info', message: 'copying memory' },
      { seq: 3, level: 'warn', message: 'slow link' },
    ]);
    expect((await as('alice', 'GET', `/tasks/${id}/log?after=2`)).json().items.map((l: { seq: number }) => l.seq)).toEqual([3]);
    expect((await as('bob', 'GET', `/tasks/${id}/log`)).statusCode).toBe(404);
  });
});

describe('DELETE /tasks/:taskId', () => {
  it('cancels a queued task: it never runs', async () => {
    const g = gate();
    let ran = false;
    const first = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: () => g.done });
    const second = app.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: async () => { ran = true; } });
    const res = await as('alice', 'DELETE', `/tasks/${second}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: second, state: 'cancelled' });
    g.open();
    await app.tasks.wait(first, 5000);
    await tick();
    expect(ran).toBe(false);
  });

  it('cancels a running cancellable task: its signal aborts and it ends cancelled', async () => {
    let signal: AbortSignal | undefined;
    const id = app.tasks.submit({
      type: 'vm.migrate', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, cancellable: true,
      run: (ctx: TaskContext) => new Promise((_, reject) => { signal = ctx.signal; ctx.signal.addEventListener('abort', () => setTimeout(() => reject(ctx.signal.reason as Error), 20)); }),
    });
    await tick();
    const res = await as('alice', 'DELETE', `/tasks/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'running', cancellable: false });
    expect(signal?.aborted).toBe(true);
    expect((await as('alice', 'GET', `/tasks/${id}?wait=10`)).json().state).toBe('cancelled');
    const log = (await as('alice', 'GET', `/tasks/${id}/log`)).json().items;
    expect(log[0].message).toBe(`cancel requested by user ${PEOPLE.alice!.userId}`);
  });

  it('answers 409 INVALID_STATE for a running task that cannot be cancelled, and for a finished one', async () => {
    const g = gate();
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: () => g.done });
    await tick();
    const res = await as('alice', 'DELETE', `/tasks/${id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('INVALID_STATE');
    g.open();
    await app.tasks.wait(id, 5000);
    const done = await as('alice', 'DELETE', `/tasks/${id}`);
    expect(done.statusCode).toBe(409);
    expect(done.json().error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('finished') });
  });

  it("answers 404 for someone else's task and leaves it alone", async () => {
    const g = gate();
    const id = app.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: () => g.done });
    app.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v1' }, userId: PEOPLE.alice!.userId, run: async () => 1 });
    expect((await as('bob', 'DELETE', `/tasks/${id}`)).statusCode).toBe(404);
    expect(app.tasks.get(id)?.state).not.toBe('cancelled');
    g.open();
  });
});

describe('in the full app', () => {
  let full: FastifyInstance;
  afterAll(() => full?.close());

  it('registers the task routes and app.tasks', async () => {
    full = full ?? await buildTestApp();
    expect(typeof full.tasks.submit).toBe('function');
    const res = await full.inject({ method: 'GET', url: '/api/v1/tasks/abcdefgh12345678' });
    expect(res.statusCode).toBe(401); // nobody signed in
  });

  it("with real auth: an operator sees and cancels their own tasks, an auditor sees everyone's", async () => {
    full = full ?? await buildTestApp();
    const olga = await createUser(full, { username: 'olga', role: 'Operator' });
    const otto = await createUser(full, { username: 'otto', role: 'Operator' });
    await createUser(full, { username: 'audrey', role: 'Auditor' });
    const [olgaS, audreyS] = [await loginAs(full, 'olga'), await loginAs(full, 'audrey')];
    const g = gate();
    const ottos = full.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v1' }, userId: otto.id, run: () => g.done });
    const olgas = full.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v1' }, userId: olga.id, run: async () => 1 });
    const get = (headers: Record<string, string>, url: string) => full.inject({ method: 'GET', url: `/api/v1${url}`, headers });

    expect((await get(olgaS.headers, '/tasks')).json().items.map((t: { id: string }) => t.id)).toEqual([olgas]);
    expect((await get(audreyS.headers, '/tasks')).json().total).toBe(2);
    expect((await get(olgaS.headers, `/tasks/${ottos}`)).statusCode).toBe(404);
    expect((await get(audreyS.headers, `/tasks/${ottos}`)).json()).toMatchObject({ username: 'otto', state: 'running' });

    const res = await full.inject({ method: 'DELETE', url: `/api/v1/tasks/${olgas}`, headers: olgaS.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().state).toBe('cancelled');
    const row = await vi.waitFor(() => {
      const found = full.db.prepare("SELECT * FROM audit WHERE route = '/tasks/:taskId'").get() as Record<string, unknown> | undefined;
      if (!found) throw new Error('no audit row yet');
      return found;
    });
    expect(row).toMatchObject({ user_id: olga.id, username: 'olga', auth: 'session', target: `task:${olgas}`, result: 'success' });
    g.open();
  });

  it("lets an auditor see but not cancel someone else's task; host.manage may", async () => {
    full = full ?? await buildTestApp();
    const owner = await createUser(full, { username: 'oona', role: 'Operator' });
    await createUser(full, { username: 'aldo', role: 'Auditor' });
    await createUser(full, { username: 'adele', role: 'Administrator' });
    const [aldoS, adeleS] = [await loginAs(full, 'aldo'), await loginAs(full, 'adele')];
    const g = gate();
    full.tasks.submit({ type: 'vm.start', target: { kind: 'vm', id: 'v9' }, userId: owner.id, run: () => g.done });
    const queued = full.tasks.submit({ type: 'vm.stop', target: { kind: 'vm', id: 'v9' }, hostId: 'local', userId: owner.id, run: async () => 1 });
    const del = (headers: Record<string, string>) => full.inject({ method: 'DELETE', url: `/api/v1/tasks/${queued}`, headers });
    const denied = await del(aldoS.headers);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    expect(full.tasks.get(queued)?.state).toBe('queued');
    const allowed = await del(adeleS.headers);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().state).toBe('cancelled');
    g.open();
  });

  it('marks tasks of a previous process interrupted when it starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-tasks-app-'));
    try {
      const first = openDatabase(dir);
      first.prepare("INSERT INTO tasks (id, type, target_kind, target_id, state, created_at) VALUES ('left-running-1', 'vm.start', 'vm', 'v1', 'running', ?)").run(new Date().toISOString());
      first.close();
      const db = openDatabase(dir);
      const second = await buildApp({ config: testConfig({ dataDir: dir }), db, logger: false });
      await second.ready();
      expect(second.tasks.get('left-running-1')?.state).toBe('interrupted');
      await second.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
