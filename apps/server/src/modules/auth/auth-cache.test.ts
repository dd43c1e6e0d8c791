// The bearer-token and grant caches (tokens.service.ts, authz.ts) never let a change wait:
// each test first warms the caches with a few requests, then changes who the caller is or
// what they may do, and the very next request must see it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openDatabase, openMemoryDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';

let clock = Date.parse('2030-06-01T00:00:00Z');
let app: FastifyInstance;
let admin: Record<string, string>;
beforeAll(async () => {
  app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false, now: () => clock });
  await app.ready();
  admin = await tokenFor(app, 'boss', 'Administrator');
});
afterAll(() => app.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
/** Three answers in a row: the first fills the caches, the others are served from them. */
const warm = async (url: string, headers: Record<string, string>) => {
  for (let i = 0; i < 3; i++) expect((await call('GET', url, headers)).statusCode).toBe(200);
};

describe('cached authentication and grants', () => {
  it('refuse a revoked token on the very next request', async () => {
    await createUser(app, { username: 'rita', role: 'Auditor' });
    const s = await loginAs(app, 'rita');
    const t = (await call('POST', '/tokens', s.headers, { name: 'ci' })).json();
    const bearer = { authorization: `Bearer ${t.secret}` };
    await warm('/hosts', bearer);
    expect((await call('DELETE', `/tokens/${t.id}`, s.headers)).statusCode).toBe(204);
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(401);
  });

  it('refuse a disabled user\'s token on the very next request, and take it back once enabled', async () => {
    const u = await createUser(app, { username: 'dina', role: 'Auditor' });
    const bearer = await tokenFor(app, 'dina');
    await warm('/hosts', bearer);
    expect((await call('PATCH', `/users/${u.id}`, admin, { disabled: true })).statusCode).toBe(200);
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(401);
    expect((await call('PATCH', `/users/${u.id}`, admin, { disabled: false })).statusCode).toBe(200);
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(200);
  });

  it('refuse a deleted user\'s token on the very next request', async () => {
    const u = await createUser(app, { username: 'dora', role: 'Auditor' });
    const bearer = await tokenFor(app, 'dora');
    await warm('/hosts', bearer);
    expect((await call('DELETE', `/users/${u.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(401);
  });

  it('apply a removed or added grant on the very next request', async () => {
    const u = await createUser(app, { username: 'gus', role: 'Administrator' });
    const bearer = await tokenFor(app, 'gus');
    await warm('/users', bearer);
    const grant = (await call('GET', `/acl?userId=${u.id}`, admin)).json().items[0];
    expect((await call('DELETE', `/acl/${grant.id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', '/users', bearer)).statusCode).toBe(403);
    expect((await call('POST', '/acl', admin, { userId: u.id, path: '/', role: 'Administrator' })).statusCode).toBe(201);
    expect((await call('GET', '/users', bearer)).statusCode).toBe(200);
  });

  it('see a change made by any code on the server\'s connection, not only the services', async () => {
    const u = await createUser(app, { username: 'raw', role: 'Auditor' });
    const bearer = await tokenFor(app, 'raw');
    await warm('/hosts', bearer);
    app.db.prepare('UPDATE api_tokens SET expires_at = ? WHERE user_id = ?').run(new Date(clock - 1).toISOString(), u.id);
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(401);
  });

  it('refuse an expired token the moment it expires', async () => {
    await createUser(app, { username: 'eli', role: 'Auditor' });
    const s = await loginAs(app, 'eli');
    const t = (await call('POST', '/tokens', s.headers, { name: 'brief', expiresAt: new Date(clock + 2_000).toISOString() })).json();
    const bearer = { authorization: `Bearer ${t.secret}` };
    await warm('/hosts', bearer);
    clock += 2_000;
    expect((await call('GET', '/hosts', bearer)).statusCode).toBe(401);
  });
});

describe('a change written by another process', () => {
  it('is seen within the cache lifetime (5 s)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-auth-cache-'));
    let t = Date.parse('2030-06-01T00:00:00Z');
    const fileApp = await buildApp({ config: testConfig(), db: openDatabase(dir), logger: false, now: () => t });
    try {
      await fileApp.ready();
      const u = await createUser(fileApp, { username: 'other', role: 'Auditor' });
      const bearer = await tokenFor(fileApp, 'other');
      const hosts = () => fileApp.inject({ method: 'GET', url: '/api/v1/hosts', headers: bearer });
      expect((await hosts()).statusCode).toBe(200);
      const other = new Database(join(dir, 'ferry.db'));
      other.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(u.id);
      other.close();
      t += 5_000;
      expect((await hosts()).statusCode).toBe(401);
    } finally {
      await fileApp.close();
      fileApp.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
