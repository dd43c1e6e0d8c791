// The console end to end on the real daemon (qemu:///system) with the tiny guest under TCG,
// through Ferry's listening server and its WebSockets only:
// - VNC: a raw RFB client completes the handshake through the proxy (which answered QEMU's VNC
//   authentication with the password it had just set) and receives a FramebufferUpdate; the
//   password the domain was defined with no longer opens QEMU's display directly;
// - serial: the socket shows the boot log and answers a command typed into it;
// - stopping the VM closes both with 4000 vm-stopped.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { listen } from '../../test-support/event-socket.ts';
import { closed, connect, readerOf, viewerHandshake } from '../../test-support/console-socket.ts';
import { tinyDomain, type TinyDomain } from '../../../../../scripts/tinyguest/domain.ts';
import { MARKERS } from '../../../../../scripts/tinyguest/tinyguest.ts';
import { ByteReader } from './byte-reader.ts';
import { authenticateUpstream } from './rfb-handshake.ts';

const INITIAL_PASSWORD = 'initial1';
const virsh = (...args: string[]): string =>
  execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });

let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;
let guest: TinyDomain;
let vmId: string;
const dir = mkdtempSync(path.join(tmpdir(), 'ferry-console-int-'));

async function open(kind: 'vnc' | 'serial'): Promise<WebSocket> {
  const t = await app.inject({ method: 'POST', url: `/api/v1/vms/${vmId}/console`, headers: admin, payload: { kind } });
  expect(t.statusCode, t.body).toBe(201);
  const ws = await connect(base, t.json().path, admin);
  if ('status' in ws) throw new Error(`refused: ${ws.status} ${JSON.stringify(ws.body)}`);
  return ws;
}

beforeAll(async () => {
  app = await buildTestApp({ libvirtUri: 'qemu:///system' });
  base = await listen(app);
  admin = await tokenFor(app, 'console-int-admin', 'Administrator');
  guest = await tinyDomain('console');
  const xml = guest.xml.replace('</devices>', `<graphics type='vnc' autoport='yes' passwd='${INITIAL_PASSWORD}'><listen type='address' address='127.0.0.1'/></graphics>`
    + `<video><model type='vga'/></video></devices>`);
  const file = path.join(dir, 'domain.xml');
  writeFileSync(file, xml);
  virsh('define', file);
  vmId = virsh('domuuid', guest.name).trim();
  virsh('start', guest.name);
}, 180_000);

afterAll(async () => {
  if (guest) {
    try { virsh('destroy', guest.name); } catch { /* not running */ }
    try { virsh('undefine', guest.name); } catch { /* gone */ }
    guest.cleanup();
  }
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('console sockets on qemu:///system', () => {
  let serial: WebSocket;
  let text = '';

  it('serial: shows the boot log, then answers a typed command', async () => {
    serial = await open('serial');
    serial.on('message', (data, isBinary) => { expect(isBinary).toBe(false); text += String(data); });
    const until = async (re: RegExp | string, ms: number) => {
      const end = Date.now() + ms;
      while (!(typeof re === 'string' ? text.includes(re) : re.test(text))) {
        if (Date.now() > end) throw new Error(`no ${String(re)} on the serial socket; last output:\n${text.slice(-600)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(MARKERS.ready, 90_000);
    await until(MARKERS.login, 30_000);
    serial.send('root\r');
    await new Promise((r) => setTimeout(r, 1000));
    serial.send('echo ferry-$((6*7))\r');
    await until('ferry-42', 30_000);
  }, 150_000);

  it('VNC: a raw RFB client through Ferry completes the handshake and gets a FramebufferUpdate', async () => {
    const ws = await open('vnc');
    const r = readerOf(ws);
    const init = await viewerHandshake(ws, r);
    const width = init.readUInt16BE(0);
    const height = init.readUInt16BE(2);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    expect(init.subarray(24).toString()).toContain(guest.name.slice(0, 10));
    // FramebufferUpdateRequest, non-incremental, the whole screen.
    const req = Buffer.alloc(10);
    req.writeUInt8(3, 0);
    req.writeUInt16BE(width, 6);
    req.writeUInt16BE(height, 8);
    ws.send(req);
    const head = await r.read(4);
    expect(head[0]).toBe(0); // FramebufferUpdate
    expect(head.readUInt16BE(2)).toBeGreaterThan(0); // rectangles
    ws.close();
    await closed(ws);
  }, 60_000);

  it('VNC: ticket → ServerInit time on a local display, over 5 opens', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const ws = await open('vnc');
      await viewerHandshake(ws);
      times.push(performance.now() - t0);
      ws.close();
      await closed(ws);
    }
    times.sort((a, b) => a - b);
    // The same measure through ssh -W is in console-ssh.lab.test.ts.
    console.info(`console.int: ticket → ServerInit, local display: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`);
    expect(times[2]).toBeLessThan(5_000);
  }, 60_000);

  it('VNC: the password is Ferry’s — the one the domain was defined with no longer opens the display', async () => {
    const port = Number(/<graphics type='vnc' port='(\d+)'/.exec(virsh('dumpxml', guest.name))?.[1]);
    expect(port).toBeGreaterThan(0);
    const secure = virsh('dumpxml', '--security-info', guest.name);
    expect(secure).toMatch(/passwd='[^']{8}'/);
    expect(secure).not.toContain(`passwd='${INITIAL_PASSWORD}'`);
    const socket = net.connect(port, '127.0.0.1');
    const reader = new ByteReader();
    socket.on('data', (b) => reader.push(b)).on('close', () => reader.fail(new Error('closed')));
    await expect(authenticateUpstream(reader, (b) => socket.write(b), INITIAL_PASSWORD)).rejects.toThrow();
    socket.destroy();
  }, 30_000);

  it('closes the sockets with 4000 vm-stopped when the VM stops', async () => {
    const vnc = await open('vnc');
    await viewerHandshake(vnc);
    const vncClosed = closed(vnc);
    const serialClosed = closed(serial);
    virsh('destroy', guest.name);
    expect(await vncClosed).toEqual({ code: 4000, reason: 'vm-stopped' });
    expect(await serialClosed).toEqual({ code: 4000, reason: 'vm-stopped' });
  }, 30_000);
});
