// A VM that boots the tiny guest (scripts/tinyguest), made through Ferry's API as an admin: a
// pool of its own under libvirt's images directory (QEMU, running as libvirt-qemu, must reach
// the file) holding a copy of the image, then a VM on it — so it has the VNC display and serial
// port every Ferry-made VM gets. Names start with ferry-test-web- like the suite's others.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureTinyGuest } from '../../../../scripts/tinyguest/tinyguest.ts';
import { ADMIN_PASSWORD } from './ferry-server.ts';

const run = promisify(execFile);

export interface AdminApi {
  call<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Waits for a 202's task to end; throws unless it succeeded. */
  task(taskId: string): Promise<void>;
}

export async function signInAdmin(baseUrl: string): Promise<AdminApi> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async <T>(method: string, url: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const task = async (taskId: string) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const t = (await call<{ state: string; error?: unknown }>('GET', `/tasks/${taskId}?wait=30`)).body;
      if (t.state === 'succeeded') return;
      if (t.state !== 'queued' && t.state !== 'running') throw new Error(`task ${taskId} ${t.state}: ${JSON.stringify(t.error)}`);
      if (Date.now() > deadline) throw new Error(`task ${taskId} still ${t.state} after 120 s`);
    }
  };
  return { call, task };
}

export interface TinyVm {
  vmId: string;
  name: string;
  /** The pool and its directory (the domain goes with removeDomains, like every test domain). */
  removePool(): Promise<void>;
}

/** Defines (does not start) a tiny-guest VM in a pool of its own. */
export async function createTinyVm(api: AdminApi, name: string): Promise<TinyVm> {
  const image = await ensureTinyGuest();
  const pool = `ferry-test-web-pool-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync('/var/lib/libvirt/images/ferry-test-web-');
  copyFileSync(image.qcow2, path.join(dir, 'tiny.qcow2'));
  const removePool = async () => {
    await run('virsh', ['-c', 'qemu:///system', 'pool-destroy', pool]).catch(() => {});
    await run('virsh', ['-c', 'qemu:///system', 'pool-undefine', pool]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  const p = await api.call('POST', '/storage/pools', { name: pool, type: 'dir', path: dir });
  if (p.status !== 201) {
    await removePool();
    throw new Error(`pool not created: ${p.status} ${JSON.stringify(p.body)}`);
  }
  const created = await api.call<{ taskId: string; vmId: string }>('POST', '/vms', {
    name, memoryMiB: 256, disks: [{ pool, volume: 'tiny.qcow2' }], start: false,
  });
  if (created.status !== 202) {
    await removePool();
    throw new Error(`VM not created: ${created.status} ${JSON.stringify(created.body)}`);
  }
  await api.task(created.body.taskId);
  return { vmId: created.body.vmId, name, removePool };
}
