// The server against the real libvirtd: a dropped daemon makes the host disconnected (mutations
// 503, reads still answer) and it reconnects by itself; parallel power actions on one VM are
// queued, not failed; a server killed mid-task finds that task `interrupted` when it restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Libvirt, type Connection } from '@ferry/libvirt';
import { buildApp } from './app.ts';
import { testConfig } from './test-support/build-test-app.ts';
import { openDatabase } from './db/database.ts';
import { tokenFor } from './test-support/auth-helpers.ts';
import { tinyDomain, type TinyDomain } from '../../../scripts/tinyguest/domain.ts';
import { daemonAnswers, killLibvirtd, startLibvirtd } from '../../../scripts/testing/libvirtd.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-int-'));
let app: FastifyInstance;
let auth: Record<string, string>;
let lv: Libvirt;
let conn: Connection; // an independent observer of libvirt
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
  app = await buildApp({ config: testConfig({ libvirtUri: 'qemu:///system', dataDir }), db: openDatabase(dataDir), logger: false });
  await app.ready();
  await app.hosts.get('local').waitConnected(10_000);
  auth = await tokenFor(app, 'int-admin', 'Administrator');
  lv = await Libvirt.start();
  conn = await lv.open('qemu:///system');
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  if (!daemonAnswers()) await startLibvirtd();
  await app.close();
  await lv.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function defineTiny(label: string, transform: (xml: string) => string = (x) => x): Promise<{ uuid: string; tiny: TinyDomain }> {
  const tiny = await tinyDomain(label);
  let uuid: string | null = null;
  cleanups.push(async () => { // registered first: the disk copy goes even if define fails
    const ref = uuid ? { uuid } : await conn.lookupDomainByName(tiny.name).catch(() => null);
    if (ref) {
      await conn.domain(ref.uuid).destroy().catch(() => undefined);
      await conn.domain(ref.uuid).undefine().catch(() => undefined);
    }
    tiny.cleanup();
  });
  uuid = (await conn.defineDomain(transform(tiny.xml))).uuid;
  return { uuid, tiny };
}

const waitTask = async (taskId: string) => {
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=30`, headers: auth });
    const t = res.json();
    if (!['queued', 'running'].includes(t.state)) return t;
  }
};

describe('host connection supervision', () => {
  it('goes disconnected when libvirtd dies (mutations 503, reads answer) and reconnects within 5 s', async () => {
    const { uuid } = await defineTiny('sup');
    let reconnects = 0;
    app.hosts.onConnected(() => { reconnects++; });

    await killLibvirtd();
    const deadline = Date.now() + 10_000;
    while (app.hosts.get('local').state === 'connected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const host = await app.inject({ method: 'GET', url: '/api/v1/hosts/local', headers: auth });
    expect(host.statusCode).toBe(200);
    expect(host.json().state).toBe('disconnected');
    const start = await app.inject({ method: 'POST', url: `/api/v1/vms/${uuid}/start`, headers: auth, payload: {} });
    expect(start.statusCode).toBe(503);
    expect(start.json().error.code).toBe('HYPERVISOR_UNAVAILABLE');
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts', headers: auth })).statusCode).toBe(200);

    const restarted = Date.now();
    await startLibvirtd();
    await app.hosts.get('local').waitConnected(5000);
    console.log(`reconnected ${Date.now() - restarted} ms after libvirtd was back`);
    expect(reconnects).toBeGreaterThanOrEqual(1); // listeners (event registration) ran again
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts/local', headers: auth })).json().state).toBe('connected');
    conn = await lv.open('qemu:///system'); // the test's own observer connection died with the daemon too
  });
});

describe('queued power actions', () => {
  it('turns twenty parallel starts of one VM into exactly one start', async () => {
    const { uuid } = await defineTiny('par');
    let starts = 0;
    const sub = await conn.subscribe('lifecycle', (e) => { if (e.domain.uuid === uuid && e.eventName === 'started') starts++; });
    const accepted = await Promise.all(Array.from({ length: 20 }, () =>
      app.inject({ method: 'POST', url: `/api/v1/vms/${uuid}/start`, headers: auth, payload: {} })));
    const codes = accepted.map((r) => r.statusCode);
    // The first is judged on the spot; the rest queue behind it. None fails with a lock error.
    expect(codes.every((c) => c === 202 || c === 409)).toBe(true);
    const tasks = await Promise.all(accepted.filter((r) => r.statusCode === 202).map((r) => waitTask(r.json().taskId)));
    expect(tasks.every((t) => t.state === 'succeeded')).toBe(true);
    expect(tasks.filter((t) => t.result.changed)).toHaveLength(1);
    expect(tasks.filter((t) => !t.result.changed).every((t) => t.result.note === 'already running')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    sub.close();
    expect(starts).toBe(1);
    expect((await conn.domain(uuid).getState()).state).toBe(1);
    // Starting it once more, with nothing pending, is the caller's mistake: 409.
    const again = await app.inject({ method: 'POST', url: `/api/v1/vms/${uuid}/start`, headers: auth, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE');
  });
});

describe('server restart', () => {
  it('marks a task that was running when the server died as interrupted', async () => {
    // Without <acpi/> the guest never sees the power button: the shutdown task waits its timeout.
    const { uuid } = await defineTiny('intr', (xml) => xml.replace('<features><acpi/><apic/></features>', '<features><apic/></features>'));
    await conn.domain(uuid).start();
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { ...process.env, FERRY_DATA_DIR: dir, FERRY_INSECURE_HTTP: '1', FERRY_LISTEN: '127.0.0.1', FERRY_PORT: String(18000 + Math.floor(Math.random() * 1000)), FERRY_ADMIN_PASSWORD: 'restart-test-pass', FERRY_LOG_LEVEL: 'warn' };
    const base = `http://127.0.0.1:${env.FERRY_PORT}/api/v1`;
    const server = await startServer(env, base);
    const login = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'restart-test-pass' }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = await login.json() as { csrfToken: string };
    const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    const res = await fetch(`${base}/vms/${uuid}/shutdown`, { method: 'POST', headers, body: JSON.stringify({ timeoutS: 300 }) });
    expect(res.status).toBe(202);
    const { taskId } = await res.json() as { taskId: string };
    await new Promise((r) => setTimeout(r, 1000));
    expect(((await (await fetch(`${base}/tasks/${taskId}`, { headers })).json()) as { state: string }).state).toBe('running');

    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const again = await startServer(env, base);
    try {
      const login2 = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'restart-test-pass' }) });
      const cookie2 = login2.headers.get('set-cookie')!.split(';')[0]!;
      const task = await (await fetch(`${base}/tasks/${taskId}`, { headers: { cookie: cookie2 } })).json() as { state: string };
      expect(task.state).toBe('interrupted');
    } finally {
      again.kill('SIGTERM');
      await new Promise((r) => again.once('exit', r));
    }
  });
});

async function startServer(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  // node itself, not the tsx wrapper: a SIGKILL must hit the server process, not a parent
  // whose child would live on and keep answering.
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return child;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}
