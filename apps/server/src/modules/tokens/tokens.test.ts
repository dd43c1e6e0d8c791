// /tokens through the HTTP API, with a test clock for expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openMemoryDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';
import { sha256 } from '../auth/sessions.ts';

let clock = Date.parse('2030-06-01T00:00:00Z');
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false, now: () => clock });
  await app.ready();
});
afterAll(() => app.close());

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const create = (headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload });
const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

describe('API tokens', () => {
  it('show their secret once, store only its hash, and work as a bearer', async () => {
    await createUser(app, { username: 'ann', role: 'Operator' });
    const s = await loginAs(app, 'ann');
    const res = await create(s.headers, { name: 'ci' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({ id: expect.any(String), name: 'ci', role: 'Operator', createdAt: new Date(clock).toISOString(), expiresAt: null, lastUsedAt: null, secret: expect.stringMatching(/^ferry_[A-Za-z0-9_-]{43}$/) });

    const row = app.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(created.id) as Record<string, unknown>;
    expect(row.secret_hash).toBe(sha256(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);

    const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: s.headers });
    expect(list.json().items).toEqual([{ id: created.id, name: 'ci', role: 'Operator', createdAt: created.createdAt, expiresAt: null, lastUsedAt: null }]);
    expect(list.body).not.toContain(created.secret);
    expect(list.body).not.toContain(row.secret_hash as string);

    expect((await me(bearer(created.secret))).json()).toMatchObject({ via: 'token', user: { username: 'ann' } });
  });

  it('note their last use, at most once a minute', async () => {
    await createUser(app, { username: 'lu', role: 'Auditor' });
    const { secret, id } = (await create(await tokenFor(app, 'lu'), { name: 'x' })).json();
    const lastUsed = () => (app.db.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?').get(id) as { last_used_at: string | null }).last_used_at;
    await me(bearer(secret));
    const first = lastUsed();
    expect(first).toBe(new Date(clock).toISOString());
    clock += 30_000;
    await me(bearer(secret));
    expect(lastUsed()).toBe(first);
    clock += 30_000;
    await me(bearer(secret));
    expect(lastUsed()).toBe(new Date(clock).toISOString());
  });

  it('default to the owner\'s highest role anywhere, may be lower, never higher', async () => {
    await createUser(app, { username: 'rob', role: 'Auditor', grants: [{ path: '/hosts/h1', role: 'Operator' }] });
    const s = await loginAs(app, 'rob');
    expect((await create(s.headers, { name: 'a' })).json().role).toBe('Operator');
    expect((await create(s.headers, { name: 'b', role: 'Auditor' })).json().role).toBe('Auditor');
    const higher = await create(s.headers, { name: 'c', role: 'Administrator' });
    expect([higher.statusCode, higher.json().error.code]).toEqual([403, 'FORBIDDEN']);
    // A token can make tokens, but none above its own role.
    const auditorToken = bearer((await create(s.headers, { name: 'd', role: 'Auditor' })).json().secret);
    expect((await create(auditorToken, { name: 'e' })).json().role).toBe('Auditor');
    expect((await create(auditorToken, { name: 'f', role: 'Operator' })).statusCode).toBe(403);
    // A user with no role has nothing to hand a token.
    await createUser(app, { username: 'nobody' });
    expect((await create((await loginAs(app, 'nobody')).headers, { name: 'g' })).statusCode).toBe(403);
  });

  it('act with no more than their role, even for an administrator', async () => {
    await createUser(app, { username: 'ada', role: 'Administrator' });
    const s = await loginAs(app, 'ada');
    const op = bearer((await create(s.headers, { name: 'op', role: 'Operator' })).json().secret);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: s.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: op })).statusCode).toBe(403);
    expect((await me(op)).json().privileges).toEqual(['sys.read', 'vm.power', 'vm.console', 'vm.snapshot', 'vm.migrate']);
  });

  it('stop working when they expire', async () => {
    await createUser(app, { username: 'exp', role: 'Auditor' });
    const s = await loginAs(app, 'exp');
    const expiresAt = new Date(clock + 3600_000).toISOString();
    const t = (await create(s.headers, { name: 'hour', expiresAt })).json();
    expect(t.expiresAt).toBe(expiresAt);
    expect((await me(bearer(t.secret))).statusCode).toBe(200);
    clock += 3600_000;
    expect((await me(bearer(t.secret))).statusCode).toBe(401);
    // Offsets are accepted and normalized; the past is not. (The hour also ended the session.)
    const again = await loginAs(app, 'exp');
    expect((await create(again.headers, { name: 'tz', expiresAt: '2099-01-01T02:00:00+02:00' })).json().expiresAt).toBe('2099-01-01T00:00:00.000Z');
    expect((await create(again.headers, { name: 'past', expiresAt: new Date(clock - 1000).toISOString() })).statusCode).toBe(400);
    expect((await create(again.headers, { name: 'junk', expiresAt: 'tomorrow' })).statusCode).toBe(400);
  });

  it('stop working when revoked, and only their owner can revoke them', async () => {
    await createUser(app, { username: 'rev', role: 'Auditor' });
    await createUser(app, { username: 'mal', role: 'Administrator' });
    const s = await loginAs(app, 'rev');
    const t = (await create(s.headers, { name: 'x' })).json();
    const mal = await loginAs(app, 'mal');
    const foreign = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t.id}`, headers: mal.headers });
    expect(foreign.statusCode).toBe(404); // not yours: as if it did not exist
    expect((await me(bearer(t.secret))).statusCode).toBe(200);
    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t.id}`, headers: s.headers });
    expect(revoked.statusCode).toBe(204);
    expect((await me(bearer(t.secret))).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: s.headers })).json().items).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${t.id}`, headers: s.headers })).statusCode).toBe(404);
  });

  it('are listed to their owner only', async () => {
    await createUser(app, { username: 'one', role: 'Auditor' });
    await createUser(app, { username: 'two', role: 'Auditor' });
    await tokenFor(app, 'one');
    const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: await tokenFor(app, 'two') });
    expect(list.json().items).toHaveLength(1); // two's own, not one's
  });

  it('refuse unknown fields and bad names', async () => {
    await createUser(app, { username: 'val', role: 'Auditor' });
    const h = await tokenFor(app, 'val');
    expect((await create(h, { name: 'x', scopes: ['all'] })).statusCode).toBe(400);
    expect((await create(h, { name: '' })).statusCode).toBe(400);
    expect((await create(h, { name: 'x'.repeat(65) })).statusCode).toBe(400);
    expect((await create(h, { name: 'x', role: 'God' })).statusCode).toBe(400);
  });
});
