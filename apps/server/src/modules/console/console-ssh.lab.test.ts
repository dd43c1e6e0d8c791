// VNC through an SSH tunnel, for real, in the two-host lab (scripts/lab): host B runs an OpenSSH
// server (started here, inside B's namespaces, with a host key and an authorized key made for
// this run) and Ferry manages B over qemu+ssh://root@10.99.0.2/system — libvirt's own ssh
// transport (virt-ssh-helper on B) carries the libvirt calls, and the console's `ssh -W` carries
// the display. The root namespace reaches B through labRootLink (10.99.0.254 ⇄ 10.99.0.2).
//
// Host keys: libvirt's ssh transport ignores known_hosts= (it reads it for libssh only) and
// would check B's key against root's ~/.ssh/known_hosts, which this test does not touch; so the
// URI's command= names a wrapper giving libvirt's ssh a known-hosts file of its own. Ferry's
// tunnel does not run command= (it runs OpenSSH's ssh) and checks B's key against the URI's
// known_hosts= — which the 'wrong host key' case below proves.
// Needs root; run with FERRY_LAB=1 (vitest project 'lab').
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type WebSocket from 'ws';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { listen } from '../../test-support/event-socket.ts';
import { closed, connect, readerOf, viewerHandshake, type Refusal } from '../../test-support/console-socket.ts';
import { ensureTinyGuest } from '../../../../../scripts/tinyguest/tinyguest.ts';
import { labDown, labEnter, labRootLink, labUp, virsh, type LabEnv } from '../../../../../scripts/lab/lab.ts';

const HOST_ID = 'lab-ssh-b';
let lab: LabEnv;
let link: ReturnType<typeof labRootLink> | null = null;
let dir = '';
let sshd: ChildProcess | null = null;
let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;
let guest: { name: string; uuid: string } | null = null;
let sshUri = '';

const asRoot = process.getuid?.() === 0;
const haveSshd = existsSync('/usr/sbin/sshd');
if (!asRoot) console.warn('console-ssh.lab.test.ts: skipped — the two-host lab needs root');
else if (!haveSshd) console.warn('console-ssh.lab.test.ts: skipped — no /usr/sbin/sshd (apt-get install openssh-server; scripts/setup/prepare.sh lists it)');

const file = (name: string) => path.join(dir, name);
const keygen = (name: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ferry-lab-${name}`, '-f', file(name)]);

/** Children of this process that are `ssh -W` tunnels (libvirt's own ssh has no -W). */
function tunnels(): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv[0] === 'ssh' && argv.includes('-W')) out.push(Number(p));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** sshd processes inside lab host B's network namespace (ours: nothing else runs one there). */
function sshdsInB(): number[] {
  const r = spawnSync('ip', ['netns', 'pids', 'ferry-labB'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd'; } catch { return false; }
  });
}

async function startSshd(): Promise<void> {
  keygen('host_key');
  keygen('client_key');
  keygen('other_key');
  writeFileSync(file('authorized_keys'), readFileSync(file('client_key.pub')));
  const hostKey = readFileSync(file('host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(file('known_hosts'), `${link!.address} ${hostKey}\n`);
  writeFileSync(file('known_hosts.libvirt'), `${link!.address} ${hostKey}\n`);
  writeFileSync(file('sshd_config'), [
    `ListenAddress ${link!.address}`, 'Port 22', `HostKey ${file('host_key')}`, `PidFile ${file('sshd.pid')}`,
    `AuthorizedKeysFile ${file('authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'AllowTcpForwarding yes', 'LogLevel VERBOSE', '',
  ].join('\n'));
  // libvirt's ssh transport: a known-hosts file of its own (see the header), no prompts.
  writeFileSync(file('libvirt-ssh'), `#!/bin/sh\nexec ssh -o UserKnownHostsFile=${file('known_hosts.libvirt')} "$@"\n`);
  chmodSync(file('libvirt-ssh'), 0o755);
  // sshd's privilege separation directory (the package creates it at boot, through systemd).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const [cmd, ...args] = [...labEnter(lab, 'B'), '/usr/sbin/sshd', '-D', '-e', '-f', file('sshd_config')];
  let log = '';
  sshd = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr!.on('data', (b: Buffer) => { log += String(b); });
  const end = Date.now() + 10_000;
  while (!log.includes('Server listening')) {
    if (sshd.exitCode !== null || Date.now() > end) throw new Error(`sshd did not start in lab host B:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopSshd(): Promise<void> {
  if (!sshd || sshd.exitCode !== null) return;
  const gone = new Promise((r) => sshd!.once('exit', r));
  sshd.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
}

type Task = { state: string; error?: unknown };
async function waitTask(taskId: string): Promise<Task> {
  for (;;) {
    const t = (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=20`, headers: admin })).json() as Task;
    if (!['queued', 'running'].includes(t.state)) return t;
  }
}

async function ticket(vmId: string): Promise<string> {
  const t = await app.inject({ method: 'POST', url: `/api/v1/vms/${vmId}/console`, headers: admin, payload: { kind: 'vnc' } });
  expect(t.statusCode, t.body).toBe(201);
  return t.json().path as string;
}

/** Opens the VNC socket and completes the viewer's handshake: the socket, ServerInit, ms taken. */
async function openVnc(vmId: string, extraQuery = ''): Promise<{ ws: WebSocket; init: Buffer; ms: number }> {
  const t0 = performance.now();
  const ws = await connect(base, `${await ticket(vmId)}${extraQuery}`, admin);
  if ('status' in ws) throw new Error(`refused: ${ws.status} ${JSON.stringify(ws.body)}`);
  const init = await viewerHandshake(ws);
  return { ws, init, ms: performance.now() - t0 };
}

beforeAll(async () => {
  if (!asRoot || !haveSshd) return;
  lab = labUp();
  link = labRootLink('B');
  dir = mkdtempSync(path.join(tmpdir(), 'ferry-console-ssh-'));
  await startSshd();
  sshUri = `qemu+ssh://root@${link.address}/system?keyfile=${file('client_key')}&known_hosts=${file('known_hosts')}&command=${file('libvirt-ssh')}&no_tty=1`;
  app = await buildTestApp({ libvirtUri: lab.uri.A });
  base = await listen(app);
  admin = await tokenFor(app, 'lab-console-admin', 'Administrator');
}, 300_000);

afterAll(async () => {
  if (!lab) return;
  await app?.close(); // ends libvirt's ssh connection to B (and with it its sshd session)
  if (guest) {
    try { virsh(lab, 'B', 'destroy', guest.name); } catch { /* not running */ }
    try { virsh(lab, 'B', 'undefine', guest.name); } catch { /* not defined */ }
    rmSync(`${lab.images.B}/${guest.name}.qcow2`, { force: true });
  }
  await stopSshd();
  // Sessions of the listener we ended (there should be none left): by pid, each one ours.
  for (const pid of sshdsInB()) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  if (link?.created) link.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (!lab.wasUp) labDown();
}, 120_000);

describe.runIf(asRoot && haveSshd)('VNC console of a qemu+ssh:// host, through ssh -W', () => {
  it('libvirt\'s own ssh transport reaches B (virt-ssh-helper there), and Ferry manages B over it', async () => {
    expect(execFileSync('virsh', ['-q', '-c', sshUri, 'hostname'], { encoding: 'utf8', timeout: 30_000 }).trim()).toBe('ferry-labB');
    app.hosts.create({ id: HOST_ID, name: 'lab-b', uri: sshUri });
    await app.hosts.get(HOST_ID).waitConnected(30_000);
    const h = (await app.inject({ method: 'GET', url: `/api/v1/hosts/${HOST_ID}`, headers: admin })).json() as { state: string; hostname: string };
    expect(h).toMatchObject({ state: 'connected', hostname: 'ferry-labB' });
  }, 60_000);

  it('starts the tiny guest on B through Ferry', async () => {
    const image = await ensureTinyGuest();
    const name = `ferry-test-vncssh-${randomBytes(3).toString('hex')}`;
    copyFileSync(image.qcow2, `${lab.images.B}/${name}.qcow2`);
    virsh(lab, 'B', 'pool-refresh', 'images');
    const conn = app.hosts.get(HOST_ID).requireConnection();
    const ref = await conn.defineDomain(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os><features><acpi/><apic/></features>
      <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/${name}.qcow2'/><target dev='vda' bus='virtio'/></disk>
      <serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console>
      <graphics type='vnc' autoport='yes' passwd='initial1'><listen type='address' address='127.0.0.1'/></graphics><video><model type='vga'/></video></devices></domain>`);
    guest = { name, uuid: ref.uuid };
    const r = await app.inject({ method: 'POST', url: `/api/v1/vms/${ref.uuid}/start`, headers: admin, payload: {} });
    expect(r.statusCode, r.body).toBe(202);
    expect((await waitTask(r.json().taskId as string)).state).toBe('succeeded');
    expect(virsh(lab, 'B', 'domstate', name)).toBe('running');
  }, 180_000);

  it('opens the display through ssh -W: RFB handshake (Ferry answered QEMU\'s VNC auth over the tunnel) and a FramebufferUpdate; host/port query parameters are ignored', async () => {
    const { ws, init, ms } = await openVnc(guest!.uuid, `&host=10.99.0.1&port=5900&path=${encodeURIComponent('/run/libvirt/libvirt-sock')}`);
    const width = init.readUInt16BE(0);
    const height = init.readUInt16BE(2);
    expect(width).toBeGreaterThan(0);
    // The desktop name QEMU sends is B's guest's: the tunnel went where the live XML said.
    expect(init.subarray(24).toString()).toContain(guest!.name.slice(0, 10));
    const req = Buffer.alloc(10);
    req.writeUInt8(3, 0);
    req.writeUInt16BE(width, 6);
    req.writeUInt16BE(height, 8);
    ws.send(req);
    const head = await readerOf(ws).read(4);
    expect(head[0]).toBe(0); // FramebufferUpdate
    expect(head.readUInt16BE(2)).toBeGreaterThan(0);
    const pids = tunnels();
    expect(pids).toHaveLength(1);
    const argv = readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['-W', 'BatchMode=yes', `UserKnownHostsFile=${file('known_hosts')}`, '-i', file('client_key'), '-l', 'root']));
    expect(argv.at(-2)).toBe(link!.address); // host last, before the trailing ''
    expect(argv[argv.indexOf('-W') + 1]).toMatch(/^127\.0\.0\.1:59\d\d$/);
    console.info(`console-ssh.lab: ticket → ServerInit through ssh -W: ${ms.toFixed(0)} ms (first open)`);

    // Closing the WebSocket ends the ssh child.
    ws.close();
    await closed(ws);
    await expect.poll(() => existsSync(`/proc/${pids[0]}`), { timeout: 5_000 }).toBe(false);
    expect(tunnels()).toEqual([]);
  }, 60_000);

  it('handshake time through the tunnel, over 5 opens', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ws, ms } = await openVnc(guest!.uuid);
      times.push(ms);
      ws.close();
      await closed(ws);
    }
    times.sort((a, b) => a - b);
    console.info(`console-ssh.lab: ticket → ServerInit through ssh -W: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)})`);
    expect(times[2]).toBeLessThan(5_000);
    await expect.poll(() => tunnels(), { timeout: 5_000 }).toEqual([]);
  }, 120_000);

  it('an ssh child that dies mid-session closes the WebSocket (4002 console-ended: the VM still runs) and the session is audited', async () => {
    const { ws } = await openVnc(guest!.uuid);
    const [pid] = tunnels();
    expect(pid).toBeGreaterThan(0);
    const end = closed(ws);
    process.kill(pid!, 'SIGKILL');
    expect(await end).toEqual({ code: 4002, reason: 'console-ended' });
    const audit = (await app.inject({ method: 'GET', url: `/api/v1/audit?route=/vms/:vmId/console/vnc&target=vm:${guest!.uuid}`, headers: admin })).json() as { items: { result: string; status: number }[] };
    expect(audit.items.filter((i) => i.status === 101 && i.result === 'success').length).toBeGreaterThanOrEqual(7);
  }, 30_000);

  async function refusal(): Promise<Refusal> {
    const r = await connect(base, await ticket(guest!.uuid), admin);
    if (!('status' in r)) { r.close(); throw new Error('the console opened'); }
    return r;
  }

  async function swapped<T>(name: string, content: string | Buffer, f: () => Promise<T>): Promise<T> {
    const saved = readFileSync(file(name));
    writeFileSync(file(name), content, { mode: 0o600 });
    try { return await f(); } finally { writeFileSync(file(name), saved, { mode: 0o600 }); }
  }

  it('a key B does not accept: refused with a clear reason before any 101, audited, no ssh child left', async () => {
    const r = await swapped('client_key', readFileSync(file('other_key')), refusal);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'CONSOLE_UNAVAILABLE', message: `the SSH server of host lab-b refused Ferry's key (check the host URI's user and keyfile=)` });
    expect(JSON.stringify(r.body)).not.toContain('Permission denied'); // ssh's own words go to the log only
    expect(tunnels()).toEqual([]);
    const audit = (await app.inject({ method: 'GET', url: `/api/v1/audit?route=/vms/:vmId/console/vnc&target=vm:${guest!.uuid}`, headers: admin })).json() as { items: { result: string; errorCode: string | null; status: number }[] };
    expect(audit.items).toEqual(expect.arrayContaining([expect.objectContaining({ result: 'error', errorCode: 'CONSOLE_UNAVAILABLE', status: 409 })]));
    // libvirt's own connection is untouched: B stays connected, and the right key works again.
    expect(app.hosts.get(HOST_ID).state).toBe('connected');
    const { ws } = await openVnc(guest!.uuid);
    ws.close();
    await closed(ws);
  }, 60_000);

  it('a host key not in the URI\'s known_hosts: refused, saying the host key could not be verified', async () => {
    const other = readFileSync(file('other_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    const r = await swapped('known_hosts', `${link!.address} ${other}\n`, refusal);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain('SSH host key of host lab-b could not be verified');
    expect(tunnels()).toEqual([]);
  }, 60_000);

  it('the serial console of a qemu+ssh:// host still goes through libvirt\'s stream', async () => {
    const t = await app.inject({ method: 'POST', url: `/api/v1/vms/${guest!.uuid}/console`, headers: admin, payload: { kind: 'serial' } });
    expect(t.statusCode, t.body).toBe(201);
    const ws = await connect(base, t.json().path as string, admin);
    if ('status' in ws) throw new Error(`refused: ${ws.status}`);
    ws.close();
    await closed(ws);
  }, 30_000);
});
