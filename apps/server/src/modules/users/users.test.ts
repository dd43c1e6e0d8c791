// /users through the HTTP API: creating, changing passwords, disabling (sessions end, tokens
// stop, listeners hear of it), deleting, and the rules that keep an administrator around.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor, type TestSession } from '../../test-support/auth-helpers.ts';
import { createUsersService } from './users.service.ts';

let app: FastifyInstance;
let admin: TestSession; // 'root', Administrator on /
let rootId: string;
const bodies: string[] = []; // every response body, checked for secrets at the end

beforeAll(async () => {
  app = await buildTestApp();
  rootId = (await createUser(app, { username: 'root', role: 'Administrator' })).id;
  admin = await loginAs(app, 'root');
});
afterAll(() => app.close());

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = admin.headers) {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  bodies.push(res.body);
  return res;
}

describe('users', () => {
  it('creates a user, granting the role on / when asked, and signs them in', async () => {
    const res = await call('POST', '/users', { username: 'olga', password: 'olga-password', role: 'Operator' });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toEqual({ id: expect.any(String), username: 'olga', disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const grants = (await call('GET', `/acl?userId=${user.id}`)).json().items;
    expect(grants).toMatchObject([{ userId: user.id, username: 'olga', path: '/', role: 'Operator' }]);
    expect((await loginAs(app, 'olga', 'olga-password')).csrfToken).toBeTruthy();
    expect((await call('GET', `/users/${user.id}`)).json()).toEqual(user);
    expect((await call('GET', '/users')).json().items.map((u: { username: string }) => u.username)).toContain('olga');
  });

  it('refuses taken names, bad names, short passwords and unknown fields', async () => {
    await call('POST', '/users', { username: 'taken', password: 'password-1' });
    expect((await call('POST', '/users', { username: 'taken', password: 'password-2' })).json().error.code).toBe('CONFLICT');
    for (const username of ['Upper', '1digit', 'has space', 'a/b', 'x'.repeat(33), '']) {
      expect((await call('POST', '/users', { username, password: 'password-1' })).statusCode, username).toBe(400);
    }
    expect((await call('POST', '/users', { username: 'shorty', password: 'seven77' })).statusCode).toBe(400);
    expect((await call('POST', '/users', { username: 'longy', password: 'x'.repeat(1025) })).statusCode).toBe(400);
    expect((await call('POST', '/users', { username: 'extra', password: 'password-1', admin: true })).statusCode).toBe(400);
    expect((await call('POST', '/users', { username: 'badrole', password: 'password-1', role: 'root' })).statusCode).toBe(400);
    expect((await call('PATCH', `/users/${rootId}`, { username: 'renamed' })).statusCode).toBe(400);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    expect((await call('GET', '/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await call('PATCH', '/users/00000000-0000-4000-8000-000000000000', { disabled: true })).statusCode).toBe(404);
    expect((await call('GET', '/users/bad!')).statusCode).toBe(400);
  });

  it('changes a password: the new one works, the old one not, and the user\'s other sessions end', async () => {
    const u = await createUser(app, { username: 'pat', password: 'old-password', role: 'Auditor' });
    const before = await loginAs(app, 'pat', 'old-password');
    const res = await call('PATCH', `/users/${u.id}`, { password: 'new-password' });
    expect(res.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: before.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'pat', password: 'old-password' } })).statusCode).toBe(401);
    await loginAs(app, 'pat', 'new-password');
  });

  it('disabling a user ends their sessions, stops their tokens and tells the listeners; enabling restores the tokens', async () => {
    const u = await createUser(app, { username: 'dan', role: 'Operator' });
    const session = await loginAs(app, 'dan');
    const token = await tokenFor(app, 'dan');
    const heard: string[] = [];
    const stop = app.auth.onUserDisabled((id) => heard.push(id));
    const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

    const res = await call('PATCH', `/users/${u.id}`, { disabled: true });
    expect(res.json()).toMatchObject({ id: u.id, disabled: true });
    expect(heard).toEqual([u.id]);
    expect(app.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?').get(u.id)).toEqual({ n: 0 });
    expect((await me({ cookie: session.cookie })).statusCode).toBe(401);
    expect((await me(token)).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dan', password: 'correct horse battery staple' } })).statusCode).toBe(401);

    await call('PATCH', `/users/${u.id}`, { disabled: true }); // already disabled: no second notice
    expect(heard).toEqual([u.id]);
    await call('PATCH', `/users/${u.id}`, { disabled: false });
    expect((await me(token)).statusCode).toBe(200);
    expect((await me({ cookie: session.cookie })).statusCode).toBe(401); // sessions stay ended
    stop();
  });

  it('a listener that throws does not undo the disabling or stop the others', async () => {
    const u = await createUser(app, { username: 'eve' });
    const heard: string[] = [];
    const stops = [app.auth.onUserDisabled(() => { throw new Error('boom'); }), app.auth.onUserDisabled((id) => heard.push(id))];
    expect((await call('PATCH', `/users/${u.id}`, { disabled: true })).statusCode).toBe(200);
    expect(heard).toEqual([u.id]);
    for (const stop of stops) stop();
  });

  it('deleting a user removes their sessions, tokens and grants, and tells the listeners', async () => {
    const u = await createUser(app, { username: 'gone', role: 'Operator', grants: [{ path: '/hosts/h1', role: 'Administrator' }] });
    const session = await loginAs(app, 'gone');
    const token = await tokenFor(app, 'gone');
    const heard: string[] = [];
    const stop = app.auth.onUserDisabled((id) => heard.push(id));
    const res = await call('DELETE', `/users/${u.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(heard).toEqual([u.id]);
    for (const table of ['sessions', 'api_tokens', 'acl']) expect(app.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`).get(u.id)).toEqual({ n: 0 });
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: token })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    expect((await call('GET', `/users/${u.id}`)).statusCode).toBe(404);
    stop();
  });

  it('nobody can disable or delete themselves', async () => {
    await createUser(app, { username: 'second', role: 'Administrator' });
    const self = await loginAs(app, 'second');
    const id = (await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: self.headers })).json().user.id;
    expect((await call('PATCH', `/users/${id}`, { disabled: true }, self.headers)).json().error.code).toBe('FORBIDDEN');
    expect((await call('DELETE', `/users/${id}`, undefined, self.headers)).json().error.code).toBe('FORBIDDEN');
    // Their own password they may change, and they stay signed in.
    expect((await call('PATCH', `/users/${id}`, { password: 'changed-by-me' }, self.headers)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: self.headers })).statusCode).toBe(200);
    await call('DELETE', `/users/${id}`);
  });
});

describe('the last administrator', () => {
  // 'root' is the only enabled Administrator on / here ('second' was deleted above).
  const grantOf = async (userId: string) => (await call('GET', `/acl?userId=${userId}`)).json().items.find((g: { path: string }) => g.path === '/');

  it('cannot lose Administrator on /, while a second enabled one can', async () => {
    expect((await call('DELETE', `/acl/${(await grantOf(rootId)).id}`)).json().error.code).toBe('CONFLICT');
    const deputy = await createUser(app, { username: 'deputy', role: 'Administrator' });
    expect((await call('DELETE', `/acl/${(await grantOf(deputy.id)).id}`)).statusCode).toBe(204);
    await call('POST', '/acl', { userId: deputy.id, path: '/', role: 'Administrator' });
    // A disabled administrator does not count.
    await call('PATCH', `/users/${deputy.id}`, { disabled: true });
    expect((await call('DELETE', `/acl/${(await grantOf(rootId)).id}`)).json().error.code).toBe('CONFLICT');
    await call('DELETE', `/users/${deputy.id}`);
  });

  it('cannot be disabled or deleted by anyone else either', async () => {
    // Through the API only an Administrator on / may manage users, so "anyone else" would be a
    // second administrator; ask the service directly, as a user with no such grant.
    const users = createUsersService({ db: app.db, now: Date.now, endSessions: () => undefined, notifyDisabled: () => undefined });
    const other = await createUser(app, { username: 'other' });
    const actor = { userId: other.id, username: 'other', via: 'session' as const, sessionId: null, tokenId: null, roleCap: null };
    await expect(users.update(actor, rootId, { disabled: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => users.delete(actor, rootId)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(users.get(rootId).disabled).toBe(false);
  });
});

describe('responses', () => {
  it('never carry a password, a hash, a session id or a token secret', () => {
    expect(bodies.length).toBeGreaterThan(20);
    const all = bodies.join('\n');
    for (const needle of ['$scrypt$', 'passwordHash', 'password_hash', 'idHash', 'ferry_session', 'ferry_', 'olga-password', 'new-password', 'changed-by-me']) expect(all).not.toContain(needle);
    for (const row of app.db.prepare('SELECT password_hash FROM users').all() as { password_hash: string }[]) expect(all).not.toContain(row.password_hash);
  });
});
