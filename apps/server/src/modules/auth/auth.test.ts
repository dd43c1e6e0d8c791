// Signing in and out, sessions and CSRF, through the HTTP API (app.inject), with a test clock.
// One app serves the file (building one takes a second); each test uses its own user names
// and source addresses, so the login throttle's memory does not carry between them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.ts';
import type { Config } from '../../config.ts';
import { openMemoryDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, TEST_PASSWORD, tokenFor } from '../../test-support/auth-helpers.ts';
import { sha256 } from './sessions.ts';

const MIN = 60_000;
let clock = Date.parse('2030-01-01T00:00:00Z');
let shared: FastifyInstance;

async function buildWith(overrides: Partial<Config>): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(overrides), db: openMemoryDatabase(), logger: false, now: () => clock });
  await app.ready();
  return app;
}
beforeAll(async () => { shared = await buildWith({}); });
afterAll(() => shared.close());
const build = async () => shared;

const login = (app: FastifyInstance, username: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
const me = (app: FastifyInstance, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
const sessionCookie = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'ferry_session');
const sessionCount = (app: FastifyInstance, username: string) =>
  (app.db.prepare('SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?').get(username) as { n: number }).n;
const cookieHash = (cookie: string) => sha256(cookie.split('=')[1]!);
const errorOf = (res: LightMyRequestResponse) => ({ status: res.statusCode, code: res.json().error?.code, message: res.json().error?.message });

describe('POST /auth/login', () => {
  it('answers the CSRF token and the user, and sets an HttpOnly, SameSite=Strict session cookie', async () => {
    const app = await build();
    const alice = await createUser(app, { username: 'alice1', role: 'Operator' });
    const res = await login(app, 'alice1', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), user: { id: alice.id, username: 'alice1', disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) } });
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^ferry_session=[A-Za-z0-9_-]{43};/);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/');
    expect(header).toContain(`Max-Age=${12 * 3600}`);
    expect(header).not.toContain('Secure'); // plain HTTP (tests, FERRY_INSECURE_HTTP=1)
  });

  it('marks the cookie Secure when Ferry serves TLS', async () => {
    const app = await buildWith({ tls: 'self-signed' });
    await createUser(app, { username: 'alice2' });
    const res = await login(app, 'alice2', TEST_PASSWORD);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
    await app.close();
  });

  it('answers a wrong password, an unknown user and a disabled user exactly alike', async () => {
    const app = await build();
    await createUser(app, { username: 'alice3' });
    const dis = await createUser(app, { username: 'dora3' });
    app.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(dis.id);
    const wrong = await login(app, 'alice3', 'not the password');
    const unknown = await login(app, 'nobody', 'not the password');
    const disabled = await login(app, 'dora3', TEST_PASSWORD);
    expect(errorOf(wrong)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'invalid username or password' });
    expect(errorOf(unknown)).toEqual(errorOf(wrong));
    expect(errorOf(disabled)).toEqual(errorOf(wrong));
    for (const res of [wrong, unknown, disabled]) expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('spends a password hash on unknown users too, so timing does not tell them apart', async () => {
    const app = await build();
    const admin = await tokenFor(app, 'root4');
    // A user made through the API, so their hash has the production cost.
    await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { username: 'real4', password: 'a real password' } });
    const time = async (username: string, ip: string) => {
      const t0 = performance.now();
      expect((await login(app, username, 'wrong password', ip)).statusCode).toBe(401);
      return performance.now() - t0;
    };
    await time('warmup', '10.9.0.1');
    const known = Math.min(await time('real4', '10.9.0.2'), await time('real4', '10.9.0.3'));
    const unknown = Math.min(await time('ghost4', '10.9.0.4'), await time('ghost4', '10.9.0.5'));
    expect(unknown).toBeGreaterThan(known * 0.3); // without the dummy hash it would be ~1%
  });

  it('refuses unknown fields and oversized values with 400', async () => {
    const app = await build();
    const extra = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'b', remember: true } });
    expect(extra.statusCode).toBe(400);
    const long = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'x'.repeat(1025) } });
    expect(long.statusCode).toBe(400);
  });

  it('throttles an account after 5 failures with 429 and Retry-After, for unknown names too, then lets it in again', async () => {
    const app = await build();
    await createUser(app, { username: 'alice6' });
    for (const name of ['alice6', 'ghost6']) {
      for (let i = 0; i < 5; i++) expect((await login(app, name, 'wrong password', `10.1.0.${i}`)).statusCode).toBe(401);
      const refused = await login(app, name, name === 'alice6' ? TEST_PASSWORD : 'whatever', '10.1.1.1');
      expect(errorOf(refused)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(refused.headers['retry-after'])).toBe(15 * 60);
    }
    clock += 10 * MIN;
    expect(Number((await login(app, 'alice6', TEST_PASSWORD, '10.1.1.2')).headers['retry-after'])).toBe(5 * 60);
    clock += 5 * MIN;
    expect((await login(app, 'alice6', TEST_PASSWORD, '10.1.1.3')).statusCode).toBe(200);
  });

  it('forgets an account\'s failures once it signs in', async () => {
    const app = await build();
    await createUser(app, { username: 'alice7' });
    for (let i = 0; i < 4; i++) await login(app, 'alice7', 'typo password', '10.2.0.1');
    expect((await login(app, 'alice7', TEST_PASSWORD, '10.2.0.1')).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(app, 'alice7', 'typo password', '10.2.0.2')).statusCode).toBe(401);
    expect((await login(app, 'alice7', TEST_PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });

  it('throttles a source address after 20 failures, whatever names it tries', async () => {
    const app = await build();
    await createUser(app, { username: 'alice8' });
    for (let i = 0; i < 20; i++) expect((await login(app, `guess${i}`, 'wrong password', '10.3.0.1')).statusCode).toBe(401);
    const refused = await login(app, 'alice8', TEST_PASSWORD, '10.3.0.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(15 * 60));
    expect((await login(app, 'alice8', TEST_PASSWORD, '10.3.0.2')).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('are stored hashed: neither the session id nor the CSRF token is in the database', async () => {
    const app = await build();
    await createUser(app, { username: 'alice9' });
    const s = await loginAs(app, 'alice9');
    const sid = s.cookie.split('=')[1]!;
    const rows = app.db.prepare('SELECT * FROM sessions s WHERE user_id = (SELECT user_id FROM sessions WHERE id_hash = ?)').all(cookieHash(s.cookie)) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id_hash: sha256(sid), csrf_token_hash: sha256(s.csrfToken) });
    expect(JSON.stringify(rows)).not.toContain(sid);
    expect(JSON.stringify(rows)).not.toContain(s.csrfToken);
  });

  it('need no CSRF token to read, and the session\'s own token to change anything', async () => {
    const app = await build();
    await createUser(app, { username: 'alice10', role: 'Auditor' });
    const s = await loginAs(app, 'alice10');
    const other = await loginAs(app, 'alice10');
    expect((await me(app, { cookie: s.cookie })).statusCode).toBe(200);
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: { name: 'ci' } });
    expect(errorOf(await post({ cookie: s.cookie }))).toMatchObject({ status: 403, code: 'CSRF_FAILED' });
    expect(errorOf(await post({ cookie: s.cookie, 'x-csrf-token': 'wrong' }))).toMatchObject({ status: 403, code: 'CSRF_FAILED' });
    expect(errorOf(await post({ cookie: s.cookie, 'x-csrf-token': other.csrfToken }))).toMatchObject({ status: 403, code: 'CSRF_FAILED' });
    expect((await post(s.headers)).statusCode).toBe(201);
  });

  it('bearer tokens need no CSRF token, and win over a cookie sent alongside', async () => {
    const app = await build();
    await createUser(app, { username: 'alice11', role: 'Auditor' });
    const s = await loginAs(app, 'alice11');
    const bearer = await tokenFor(app, 'alice11');
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer, payload: { name: 'ci' } });
    expect(res.statusCode).toBe(201);
    expect((await me(app, { ...bearer, cookie: s.cookie })).json().via).toBe('token');
    // A bad bearer is not rescued by a good cookie.
    expect((await me(app, { authorization: 'Bearer ferry_nope', cookie: s.cookie })).statusCode).toBe(401);
  });

  it('end at logout: the cookie is cleared and no longer works', async () => {
    const app = await build();
    await createUser(app, { username: 'alice12' });
    const s = await loginAs(app, 'alice12');
    expect(errorOf(await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } }))).toMatchObject({ status: 403, code: 'CSRF_FAILED' });
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(sessionCookie(out)).toMatchObject({ value: '', maxAge: 0 });
    expect((await me(app, { cookie: s.cookie })).statusCode).toBe(401);
    expect(sessionCount(app, 'alice12')).toBe(0);
  });

  it('expire after 30 idle minutes, sliding with use, and clear the stale cookie', async () => {
    const app = await build();
    await createUser(app, { username: 'alice13' });
    const s = await loginAs(app, 'alice13');
    clock += 29 * MIN;
    expect((await me(app, { cookie: s.cookie })).statusCode).toBe(200);
    clock += 29 * MIN; // 58 minutes after login, 29 after last use
    expect((await me(app, { cookie: s.cookie })).statusCode).toBe(200);
    clock += 30 * MIN;
    const res = await me(app, { cookie: s.cookie });
    expect(res.statusCode).toBe(401);
    expect(sessionCookie(res)).toMatchObject({ value: '', maxAge: 0 });
    expect(sessionCount(app, 'alice13')).toBe(0);
  });

  it('note their last use at most once a minute', async () => {
    const app = await build();
    await createUser(app, { username: 'alice14' });
    const s = await loginAs(app, 'alice14');
    const lastSeen = () => (app.db.prepare('SELECT last_seen_at FROM sessions WHERE id_hash = ?').get(cookieHash(s.cookie)) as { last_seen_at: number }).last_seen_at;
    const start = lastSeen();
    clock += 30_000;
    await me(app, { cookie: s.cookie });
    expect(lastSeen()).toBe(start);
    clock += 30_000;
    await me(app, { cookie: s.cookie });
    expect(lastSeen()).toBe(clock);
  });

  it('expire 12 hours after login however busy they are', async () => {
    const app = await build();
    await createUser(app, { username: 'alice15' });
    const s = await loginAs(app, 'alice15');
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      expect((await me(app, { cookie: s.cookie })).statusCode).toBe(200);
      clock += 20 * MIN;
    }
    expect((await me(app, { cookie: s.cookie })).statusCode).toBe(401);
  });

  it('are replaced, not added to, when the same browser signs in again', async () => {
    const app = await build();
    await createUser(app, { username: 'alice16' });
    const first = await loginAs(app, 'alice16');
    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: first.cookie }, payload: { username: 'alice16', password: TEST_PASSWORD } });
    expect(again.statusCode).toBe(200);
    expect((await me(app, { cookie: first.cookie })).statusCode).toBe(401);
    expect(sessionCount(app, 'alice16')).toBe(1);
  });

  it('refuse a forged or malformed cookie', async () => {
    const app = await build();
    for (const value of ['x'.repeat(43), 'short', '../../etc/passwd', '']) {
      expect((await me(app, { cookie: `ferry_session=${value}` })).statusCode).toBe(401);
    }
  });
});

describe('GET /auth/me', () => {
  it('shows the user, their grants and their effective privileges on / (capped for a token)', async () => {
    const app = await build();
    await createUser(app, { username: 'alice18', role: 'Operator', grants: [{ path: '/hosts/h1', role: 'Administrator' }] });
    const s = await loginAs(app, 'alice18');
    const body = (await me(app, { cookie: s.cookie })).json();
    expect(body.via).toBe('session');
    expect(body.user.username).toBe('alice18');
    expect(body.grants.map((g: { path: string; role: string }) => `${g.path}=${g.role}`).sort()).toEqual(['/=Operator', '/hosts/h1=Administrator']);
    expect(body.privileges).toEqual(['sys.read', 'vm.power', 'vm.console', 'vm.snapshot', 'vm.migrate']);
    const auditorToken = await tokenFor(app, 'alice18', 'Auditor');
    const viaToken = (await me(app, auditorToken)).json();
    expect(viaToken.via).toBe('token');
    expect(viaToken.privileges).toEqual(['sys.read']);
  });

  it('needs authentication', async () => {
    const app = await build();
    expect(errorOf(await me(app, {}))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
