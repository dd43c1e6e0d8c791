// The tunnelled path of the VNC backend without sshd: a stand-in `ssh` (a Node script) that
// honours -W by connecting to the address it names, or fails the way ssh does. The display is
// the fake VNC server named by a test:///default domain's <graphics>; the real ssh is in
// console-ssh.lab.test.ts.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '@ferry/libvirt';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { fakeVncServer, type FakeVnc } from '../../test-support/console-socket.ts';
import { openVncBackend, TUNNEL_FAILURE } from './vnc-backend.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-fake-ssh-'));
const fakeSsh = path.join(dir, 'ssh');
// -l picks the behaviour: ok (forward), denied (auth refused), silent (exits 0 at once).
writeFileSync(fakeSsh, `#!${process.execPath}
const net = require('node:net');
const fs = require('node:fs');
const a = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(path.join(dir, 'argv'))} + '.' + process.pid, JSON.stringify(a));
const user = a[a.indexOf('-l') + 1];
if (user === 'denied') { process.stderr.write('root@node2: Permission denied (publickey).\\n'); process.exit(255); }
if (user === 'silent') process.exit(0);
const [, host, port] = /^\\[?([^\\]]*)\\]?:(\\d+)$/.exec(a[a.indexOf('-W') + 1]);
const s = net.connect(Number(port), host);
process.stdin.pipe(s); s.pipe(process.stdout);
s.on('close', () => process.exit(0));
`);
chmodSync(fakeSsh, 0o755);

let app: FastifyInstance;
let conn: Connection;
let vnc: FakeVnc;
let vmId: string;
const argvOf = (pid: number | undefined) => JSON.parse(readFileSync(path.join(dir, `argv.${pid}`), 'utf8')) as string[];
const host = (user: string) => ({ name: 'node2', uri: `qemu+ssh://${user}@node2:2222/system?keyfile=/etc/ferry/id&known_hosts=/etc/ferry/known_hosts` });

beforeAll(async () => {
  app = await buildTestApp();
  conn = app.hosts.get('local').requireConnection();
  vnc = await fakeVncServer('pw');
  const ref = await conn.defineDomain(`<domain type='test'><name>ferry-test-tunnel-${randomBytes(3).toString('hex')}</name><memory>65536</memory><os><type>hvm</type></os>`
    + `<devices><graphics type='vnc' port='${vnc.port}' autoport='no' listen='127.0.0.1' passwd='pw'><listen type='address' address='127.0.0.1'/></graphics></devices></domain>`);
  await conn.domain(ref.uuid).start();
  vmId = ref.uuid;
});
afterAll(async () => {
  await app.close();
  await vnc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a VNC backend through ssh -W', () => {
  it('authenticates to the display named by the live XML through the child\'s stdio, which the relay then uses; destroying it ends the child', async () => {
    const before = vnc.authenticated;
    const b = await openVncBackend(conn, vmId, host('ok'), undefined, fakeSsh);
    expect(b.via).toBe('ssh');
    expect(vnc.authenticated).toBe(before + 1);
    const pid = (b.stream as unknown as { pid: number }).pid;
    expect(argvOf(pid)).toEqual(expect.arrayContaining(['-W', `127.0.0.1:${vnc.port}`, '-l', 'ok', '-p', '2222', '-i', '/etc/ferry/id', 'UserKnownHostsFile=/etc/ferry/known_hosts']));
    expect(argvOf(pid).slice(-2)).toEqual(['--', 'node2']);
    // ClientInit → ServerInit, then the fake display echoes.
    const got: Buffer[] = [];
    b.stream.on('data', (c: Buffer) => got.push(c));
    b.stream.write(Buffer.of(1));
    b.stream.resume();
    await expect.poll(() => Buffer.concat(got).length).toBeGreaterThanOrEqual(28);
    b.stream.destroy();
    await expect.poll(() => existsSync(`/proc/${pid}`)).toBe(false);
  });

  it('an ssh that fails: CONSOLE_UNAVAILABLE with a fixed reason (not ssh\'s words), marked as a tunnel failure', async () => {
    const e = await openVncBackend(conn, vmId, host('denied'), undefined, fakeSsh).catch((x: unknown) => x) as { code: string; message: string; details: unknown };
    expect(e).toMatchObject({ code: 'CONSOLE_UNAVAILABLE', message: 'the SSH server of host node2 refused Ferry\'s key (check the host URI\'s user and keyfile=)' });
    expect(e.details).toBe(TUNNEL_FAILURE);
  });

  it('an ssh that ends without error before the handshake: the display closed, not blamed on ssh', async () => {
    const e = await openVncBackend(conn, vmId, host('silent'), undefined, fakeSsh).catch((x: unknown) => x) as { code: string; message: string; details: unknown };
    expect(e).toMatchObject({ code: 'CONSOLE_UNAVAILABLE', message: 'the VNC server closed the connection during the handshake' });
    expect(e.details).toBeUndefined();
  });

  it('no ssh client installed', async () => {
    const e = await openVncBackend(conn, vmId, host('ok'), undefined, path.join(dir, 'missing')).catch((x: unknown) => x) as { message: string };
    expect(e.message).toContain('not installed');
  });

  it('a host on another remote transport is refused before anything is spawned', async () => {
    const e = await openVncBackend(conn, vmId, { name: 'n', uri: 'qemu+tls://node2/system' }, undefined, fakeSsh).catch((x: unknown) => x) as { code: string; message: string };
    expect(e).toMatchObject({ code: 'CONSOLE_UNAVAILABLE', message: expect.stringContaining('needs a qemu+ssh:// URI') });
  });
});
