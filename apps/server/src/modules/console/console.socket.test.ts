// The console WebSocket on libvirt's test:///default driver, with a stand-in VNC server on
// loopback named by the test domain's <graphics> (the test driver runs no QEMU). Each attack of
// the issue is a test: every refusal is an HTTP status before the 101.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { constants as C } from '@ferry/libvirt';
import type WebSocket from 'ws';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';
import { listen } from '../../test-support/event-socket.ts';
import { closed, connect, fakeVncServer, readerOf, SERVER_INIT, viewerHandshake, type FakeVnc, type Refusal } from '../../test-support/console-socket.ts';

let app: FastifyInstance;
let base: string;
let vnc: FakeVnc;
let admin: Record<string, string>;
let clock = Date.now();
const offset = { ms: 0 };

async function defineVm(graphics: string, start = true, serial = true): Promise<string> {
  const conn = app.hosts.get('local').requireConnection();
  const name = `ferry-test-console-${randomBytes(3).toString('hex')}`;
  const ref = await conn.defineDomain(`<domain type='test'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os>`
    + `<devices>${graphics}${serial ? `<serial type='pty'><target port='0'/></serial>` : ''}</devices></domain>`);
  if (start) await conn.domain(ref.uuid).start();
  return ref.uuid;
}
const vncXml = (port: number, listen = '127.0.0.1') =>
  `<graphics type='vnc' port='${port}' autoport='no' listen='${listen}' passwd='pw'><listen type='address' address='${listen}'/></graphics>`;

async function ticket(vmId: string, headers: Record<string, string>, kind = 'vnc'): Promise<{ ticket: string; path: string; expiresAt: string }> {
  const r = await app.inject({ method: 'POST', url: `/api/v1/vms/${vmId}/console`, headers, payload: { kind } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
const isRefusal = (x: WebSocket | Refusal): x is Refusal => 'status' in x;
async function refused(path: string, headers: Record<string, string>, opts = {}): Promise<Refusal> {
  const r = await connect(base, path, headers, opts);
  if (!isRefusal(r)) { r.terminate(); throw new Error('the upgrade was accepted'); }
  return r;
}
async function opened(path: string, headers: Record<string, string>): Promise<WebSocket> {
  const r = await connect(base, path, headers);
  if (isRefusal(r)) throw new Error(`refused: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

let vmId: string;
beforeAll(async () => {
  clock = Date.now();
  app = await buildTestApp({}, { console: { maxSocketsPerUser: 2, maxPayloadBytes: 4096, recheckMs: 100, now: () => clock + offset.ms } });
  base = await listen(app);
  admin = await tokenFor(app, 'con-admin', 'Administrator');
  vnc = await fakeVncServer('pw');
  vmId = await defineVm(vncXml(vnc.port));
});
afterAll(async () => {
  await app.close();
  await vnc.close();
});

describe('POST /vms/:vmId/console', () => {
  it('gives an Operator a 32-byte ticket for the socket path, valid 30 s at most', async () => {
    await createUser(app, { username: 'con-op', role: 'Operator' });
    const s = await loginAs(app, 'con-op');
    const before = clock + offset.ms;
    const t = await ticket(vmId, s.headers);
    expect(Buffer.from(t.ticket, 'base64url')).toHaveLength(32);
    expect(t.path).toBe(`/api/v1/vms/${vmId}/console/vnc?ticket=${t.ticket}`);
    expect(Date.parse(t.expiresAt) - before).toBeLessThanOrEqual(30_000);
  });

  it('refuses no credentials (401), an Auditor (403), a bad kind (400), an unknown VM (404)', async () => {
    const post = (headers: Record<string, string>, payload: object, id = vmId) =>
      app.inject({ method: 'POST', url: `/api/v1/vms/${id}/console`, headers, payload });
    expect((await post({}, { kind: 'vnc' })).statusCode).toBe(401);
    const auditor = await tokenFor(app, 'con-auditor', 'Auditor');
    expect((await post(auditor, { kind: 'vnc' })).json().error.code).toBe('FORBIDDEN');
    expect((await post(admin, { kind: 'spice' })).json().error.code).toBe('BAD_REQUEST');
    expect((await post(admin, { kind: 'vnc', host: '10.0.0.1' })).statusCode).toBe(400);
    expect((await post(admin, { kind: 'vnc' }, '00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('refuses a stopped VM (409 INVALID_STATE) and a display off loopback (409 CONSOLE_UNAVAILABLE)', async () => {
    const stopped = await defineVm(vncXml(vnc.port), false);
    const r = await app.inject({ method: 'POST', url: `/api/v1/vms/${stopped}/console`, headers: admin, payload: { kind: 'vnc' } });
    expect(r.json().error.code).toBe('INVALID_STATE');
    const open = await defineVm(vncXml(vnc.port, '0.0.0.0'));
    const o = await app.inject({ method: 'POST', url: `/api/v1/vms/${open}/console`, headers: admin, payload: { kind: 'vnc' } });
    expect(o.statusCode).toBe(409);
    expect(o.json().error.code).toBe('CONSOLE_UNAVAILABLE');
  });
});

describe('VMs Ferry creates', () => {
  it('get a display the console can use: VNC on 127.0.0.1, autoport, with a password', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload: { name: `ferry-test-console-new-${randomBytes(3).toString('hex')}` } });
    expect(r.statusCode, r.body).toBe(202);
    const task = (await app.inject({ method: 'GET', url: `/api/v1/tasks/${r.json().taskId}?wait=30`, headers: admin })).json();
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const xml = await app.hosts.get('local').requireConnection().domain(r.json().vmId).getXML(C.VIR_DOMAIN_XML_SECURE);
    const graphics = /<graphics type='vnc'[^>]*>/.exec(xml)?.[0] ?? '';
    expect(graphics).toContain("autoport='yes'");
    expect(graphics).toContain("listen='127.0.0.1'");
    expect(graphics).toMatch(/passwd='[^']{8}'/);
  });
});

describe('the serial socket', () => {
  it('is refused before the 101 with CONSOLE_UNAVAILABLE where the driver has no console stream (test:///default)', async () => {
    // The relay itself runs against QEMU in console.int.test.ts.
    const r = await refused((await ticket(vmId, admin, 'serial')).path, admin);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('CONSOLE_UNAVAILABLE');
  });

  it('is refused at POST time for a VM with no serial line or console', async () => {
    const bare = await defineVm(vncXml(vnc.port), true, false);
    const r = await app.inject({ method: 'POST', url: `/api/v1/vms/${bare}/console`, headers: admin, payload: { kind: 'serial' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('CONSOLE_UNAVAILABLE');
  });
});

describe('the VNC socket', () => {
  it('relays RFB: the proxy authenticated to the VM, the viewer gets None, then ServerInit and bytes both ways', async () => {
    const authBefore = vnc.authenticated;
    const ws = await opened((await ticket(vmId, admin)).path, admin);
    const r = readerOf(ws);
    expect(await viewerHandshake(ws, r)).toEqual(SERVER_INIT);
    expect(vnc.authenticated).toBe(authBefore + 1);
    const payload = randomBytes(300_000);
    for (let i = 0; i < payload.length; i += 4000) ws.send(payload.subarray(i, i + 4000)); // maxPayload is 4096 here
    expect(Buffer.compare(await r.read(payload.length), payload)).toBe(0);
    ws.close();
    await closed(ws);
  });

  it('slows the VM down to a viewer that does not read: backpressure, not an ever-growing buffer', async () => {
    const ws = await opened((await ticket(vmId, admin)).path, admin);
    await viewerHandshake(ws);
    ws.pause(); // the viewer stops reading: its TCP window fills, then ws's buffer in Ferry
    const stalled = await vnc.flood(1500);
    // Ferry holds at most HIGH_WATER (1 MiB) in ws plus the kernel's socket buffers both sides;
    // without the pause it would read everything the server writes (hundreds of MiB in 1.5 s).
    expect(stalled).toBeLessThan(24 << 20);
    ws.resume();
    const flowing = await vnc.flood(1500);
    expect(flowing).toBeGreaterThan(stalled);
    const done = closed(ws);
    ws.terminate();
    await done;
  });

  it('stops reading a viewer whose VM takes no input: the viewer’s own buffer fills instead of Ferry’s memory', async () => {
    const own = await fakeVncServer('pw');
    const id = await defineVm(vncXml(own.port));
    const ws = await opened((await ticket(id, admin)).path, admin);
    await viewerHandshake(ws);
    own.stall();
    const block = Buffer.alloc(4000);
    for (let i = 0; i < 16_000; i++) ws.send(block); // 64 MB
    await new Promise((r) => setTimeout(r, 1500));
    // Ferry paused the WebSocket once the VM's socket stopped draining, so most of it is still
    // queued here; without the pause Ferry would have read it all into its own memory.
    expect(ws.bufferedAmount).toBeGreaterThan(32_000_000);
    ws.terminate();
    await own.close();
  });

  it('connects to a display on a unix socket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ferry-vnc-')), 'vnc.sock');
    const own = await fakeVncServer('pw', path);
    const id = await defineVm(`<graphics type='vnc' passwd='pw'><listen type='socket' socket='${path}'/></graphics>`);
    const ws = await opened((await ticket(id, admin)).path, admin);
    expect(await viewerHandshake(ws)).toEqual(SERVER_INIT);
    expect(own.authenticated).toBe(1);
    const done = closed(ws);
    ws.close();
    await done;
    await own.close();
  });

  it('refuses a replayed ticket', async () => {
    const t = await ticket(vmId, admin);
    const ws = await opened(t.path, admin);
    expect((await refused(t.path, admin)).status).toBe(403);
    ws.close();
  });

  it('refuses an expired ticket', async () => {
    const t = await ticket(vmId, admin);
    offset.ms += 30_001;
    const r = await refused(t.path, admin);
    offset.ms -= 30_001;
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses a ticket for another VM or another kind', async () => {
    const other = await defineVm(vncXml(vnc.port));
    const t = await ticket(vmId, admin);
    expect((await refused(`/api/v1/vms/${other}/console/vnc?ticket=${t.ticket}`, admin)).status).toBe(403);
    const t2 = await ticket(vmId, admin);
    expect((await refused(`/api/v1/vms/${vmId}/console/serial?ticket=${t2.ticket}`, admin)).status).toBe(403);
  });

  it('refuses another user’s ticket, another session of the same user, and a ticket with no credentials', async () => {
    const t = await ticket(vmId, admin);
    const mallory = await tokenFor(app, 'con-mallory', 'Administrator');
    expect((await refused(t.path, mallory)).status).toBe(403);
    await createUser(app, { username: 'con-two', role: 'Operator' });
    const one = await loginAs(app, 'con-two');
    const two = await loginAs(app, 'con-two');
    const t2 = await ticket(vmId, one.headers);
    expect((await refused(t2.path, { cookie: two.cookie })).status).toBe(403);
    const t3 = await ticket(vmId, admin);
    expect((await refused(t3.path, {})).status).toBe(401);
  });

  it('ignores host, port and path parameters: it connects only where the live XML says', async () => {
    let decoyHit = false;
    const decoy = net.createServer((s) => { decoyHit = true; s.destroy(); });
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    const decoyPort = (decoy.address() as net.AddressInfo).port;
    const t = await ticket(vmId, admin);
    const before = vnc.attempts;
    const ws = await opened(`${t.path}&host=127.0.0.1&port=${decoyPort}&path=/run/other.sock`, admin);
    expect(await viewerHandshake(ws)).toEqual(SERVER_INIT);
    expect(vnc.attempts).toBe(before + 1);
    expect(decoyHit).toBe(false);
    ws.close();
    decoy.close();
  });

  it('refuses a cross-site Origin even with a good ticket and cookie', async () => {
    await createUser(app, { username: 'con-origin', role: 'Operator' });
    const s = await loginAs(app, 'con-origin');
    const t = await ticket(vmId, s.headers);
    const r = await refused(t.path, { cookie: s.cookie, origin: 'https://evil.example' });
    expect(r.status).toBe(403);
  });

  it('closes with 1009 on a frame over maxPayload', async () => {
    const ws = await opened((await ticket(vmId, admin)).path, admin);
    await viewerHandshake(ws);
    const done = closed(ws);
    ws.send(Buffer.alloc(8192));
    expect((await done).code).toBe(1009);
  });

  it('caps console sockets per user (429), and admits again once one closes', async () => {
    const capped = await tokenFor(app, 'con-capped', 'Administrator');
    const a = await opened((await ticket(vmId, capped)).path, capped);
    const b = await opened((await ticket(vmId, capped)).path, capped);
    const r = await refused((await ticket(vmId, capped)).path, capped);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('RATE_LIMITED');
    const gone = closed(a);
    a.close();
    await gone;
    const c = await opened((await ticket(vmId, capped)).path, capped);
    b.close();
    c.close();
  });

  it('closes with 4000 vm-stopped when the VM stops', async () => {
    const id = await defineVm(vncXml(vnc.port));
    const ws = await opened((await ticket(id, admin)).path, admin);
    await viewerHandshake(ws);
    const done = closed(ws);
    await app.hosts.get('local').requireConnection().domain(id).destroy();
    expect(await done).toEqual({ code: 4000, reason: 'vm-stopped' });
  });

  it('closes with 4002 console-ended when the display goes away while the VM runs', async () => {
    const ws = await opened((await ticket(vmId, admin)).path, admin);
    await viewerHandshake(ws);
    const done = closed(ws);
    vnc.dropAll();
    expect(await done).toEqual({ code: 4002, reason: 'console-ended' });
  });

  it('closes with 4001 session-ended when the user is disabled, or logs out', async () => {
    const u = await createUser(app, { username: 'con-disabled', role: 'Operator' });
    const s = await loginAs(app, 'con-disabled');
    const ws = await opened((await ticket(vmId, s.headers)).path, { cookie: s.cookie });
    const done = closed(ws);
    await app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: admin, payload: { disabled: true } });
    expect(await done).toEqual({ code: 4001, reason: 'session-ended' });

    await createUser(app, { username: 'con-logout', role: 'Operator' });
    const s2 = await loginAs(app, 'con-logout');
    const ws2 = await opened((await ticket(vmId, s2.headers)).path, { cookie: s2.cookie });
    const done2 = closed(ws2);
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s2.headers });
    expect(await done2).toEqual({ code: 4001, reason: 'session-ended' });
  });

  it('leaves an audit row per session: who, VM, kind, start, duration and bytes each way', async () => {
    const ws = await opened((await ticket(vmId, admin)).path, admin);
    const r = readerOf(ws);
    await viewerHandshake(ws, r);
    ws.send(Buffer.alloc(1000, 7));
    await r.read(1000);
    const done = closed(ws);
    ws.close();
    await done;
    const res = await app.inject({ method: 'GET', url: `/api/v1/audit?route=/vms/:vmId/console/vnc&target=vm:${vmId}`, headers: admin });
    const entry = res.json().items[0];
    expect(entry).toMatchObject({ username: 'con-admin', method: 'GET', status: 101, result: 'success', target: `vm:${vmId}` });
    const after = Object.fromEntries(entry.diff.changes.map((c: { path: string; after: number }) => [c.path, c.after]));
    // toVm: the viewer's handshake (12 + 1 + 1) and ClientInit (1) + 1000; fromVm: 12 + 2 + 4 + ServerInit + 1000.
    expect(after).toEqual({ '/bytesToVm': 1000 + 1, '/bytesFromVm': SERVER_INIT.length + 1000 });
  });
});
