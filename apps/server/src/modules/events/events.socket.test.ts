// /api/v1/events as a socket: who may open one (refused before the 101), what it says first,
// heartbeats, and who closes it (a dead peer, an ended session, a disabled user, a bad message).
// A real listening server on 127.0.0.1 with the `ws` client; libvirt is test:///default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';
import { EventSocket, listen, upgradeRefusal } from '../../test-support/event-socket.ts';

let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;

beforeAll(async () => {
  app = await buildTestApp({}, { events: { heartbeatMs: 200, maxSocketsPerUser: 2 } });
  base = await listen(app);
  admin = await tokenFor(app, 'ev-admin', 'Administrator');
});
afterAll(async () => { await app.close(); });

describe('refusals happen before the 101', () => {
  it('answers 401 without credentials, or with a bad token or cookie', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer ferry_nope' }, { cookie: 'ferry_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }];
    for (const headers of attempts) {
      const r = await upgradeRefusal(base, headers);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
      expect(r.body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 403 to a foreign browser Origin even with a valid session', async () => {
    await createUser(app, { username: 'ev-origin', role: 'Auditor' });
    const s = await loginAs(app, 'ev-origin');
    const port = new URL(base).port;
    for (const origin of ['https://evil.example', `http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      const r = await upgradeRefusal(base, { cookie: s.cookie, origin });
      expect(r.status, origin).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('answers 400 to a since that is not a seq', async () => {
    for (const since of ['-1', 'abc', '1e3', '99999999999999999']) expect((await upgradeRefusal(base, admin, since)).status).toBe(400);
  });

  it('answers 429 past the per-user socket cap, and admits again once one closes', async () => {
    const user = await tokenFor(app, 'ev-capped', 'Auditor');
    const a = await EventSocket.open(base, { headers: user });
    const b = await EventSocket.open(base, { headers: user });
    const r = await upgradeRefusal(base, user);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('RATE_LIMITED');
    await a.close();
    const c = await EventSocket.open(base, { headers: user });
    await Promise.all([b.close(), c.close()]);
  });

  it('answers 404 to an upgrade anywhere else', async () => {
    const ws = new WebSocket(`${base}/api/v1/nope`, { headers: admin });
    const status = await new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('accepted')));
    });
    expect(status).toBe(404);
  });
});

describe('admission', () => {
  it('admits a bearer token: hello first, with the resume point, default topics and heartbeat', async () => {
    const s = await EventSocket.open(base, { headers: admin });
    const hello = await s.waitFor(() => true);
    expect(hello).toEqual({ type: 'hello', seq: app.events.lastSeq, topics: ['*'], heartbeatS: 0.2 });
    await s.close();
  });

  it('admits a session cookie with Ferry’s own Origin, and one without any Origin', async () => {
    await createUser(app, { username: 'ev-cookie', role: 'Auditor' });
    const session = await loginAs(app, 'ev-cookie');
    const own = await EventSocket.open(base, { headers: { cookie: session.cookie, origin: base.replace('ws:', 'http:') } });
    const none = await EventSocket.open(base, { headers: { cookie: session.cookie } });
    expect((await own.waitFor(() => true)).type).toBe('hello');
    await Promise.all([own.close(), none.close()]);
  });
});

describe('keeping sockets honest', () => {
  it('sends heartbeats', async () => {
    const s = await EventSocket.open(base, { headers: admin });
    const hb = await s.waitFor((m) => m.type === 'heartbeat', 2000);
    expect(Date.parse(hb.at as string)).toBeGreaterThan(Date.now() - 5000);
    await s.close();
  });

  it('terminates a peer that stops answering pings', async () => {
    const s = await EventSocket.open(base, { headers: admin, autoPong: false });
    const closed = await s.waitClosed(3000);
    expect(closed.code).toBe(1006); // cut, no close handshake
  });

  it('closes a session’s socket after logout (at the next heartbeat)', async () => {
    await createUser(app, { username: 'ev-logout', role: 'Auditor' });
    const session = await loginAs(app, 'ev-logout');
    const s = await EventSocket.open(base, { headers: { cookie: session.cookie } });
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers });
    expect(out.statusCode).toBeLessThan(300);
    expect((await s.waitClosed(3000)).code).toBe(4001);
  });

  it('closes a revoked token’s socket', async () => {
    const user = await tokenFor(app, 'ev-revoked', 'Auditor');
    const s = await EventSocket.open(base, { headers: user });
    app.db.prepare("UPDATE api_tokens SET revoked_at = '2020-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE username = 'ev-revoked')").run();
    expect((await s.waitClosed(3000)).code).toBe(4001);
  });

  it('closes a user’s sockets at once when they are disabled', async () => {
    const u = await createUser(app, { username: 'ev-disabled', role: 'Auditor' });
    const token = await tokenFor(app, 'ev-disabled');
    const s = await EventSocket.open(base, { headers: token });
    const r = await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin, payload: { disabled: true } });
    expect(r.statusCode).toBe(200);
    // Closed by the disable itself, not found out at a heartbeat ('credentials no longer valid').
    expect(await s.waitClosed(3000)).toEqual({ code: 4001, reason: 'user disabled' });
  });

  it('closes a socket that sends something other than a subscribe message', async () => {
    for (const bad of ['not json', JSON.stringify({ type: 'subscribe', topics: ['vm:not-a-uuid'] }), JSON.stringify({ type: 'publish' })]) {
      const s = await EventSocket.open(base, { headers: admin });
      s.ws.send(bad);
      expect((await s.waitClosed()).code).toBe(1008);
    }
  });

  it('refuses a message larger than the payload cap', async () => {
    const s = await EventSocket.open(base, { headers: admin });
    s.ws.send(JSON.stringify({ type: 'subscribe', topics: ['x'.repeat(70 << 10)] }));
    expect((await s.waitClosed()).code).toBe(1009);
  });
});
