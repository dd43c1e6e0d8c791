// VM management end to end on the real daemon (qemu:///system) with the tiny guest, through the
// API only; after each step `virsh` — an observer independent of Ferry and its binding — checks
// that libvirt holds exactly what was asked. Guests' addresses are read from DHCP leases;
// no traffic is ever sent to them.
//
// The story: upload the tinyguest qcow2 into a fresh pool → create a VM from it and start it →
// ready on the serial line, an address in the list → hot-plug a disk → ACPI shutdown → full
// clone into a second pool, boots → make the source a template → linked clones beside it and in
// the second pool, both boot → delete everything with volumes (refused while an overlay in
// either pool rests on the template).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { ensureTinyGuest, MARKERS } from '../../../../../scripts/tinyguest/tinyguest.ts';
import { TEST_PREFIX } from '../../../../../scripts/tinyguest/domain.ts';
import { ConsoleReader } from '../../../../../scripts/testing/console-reader.ts';

const run = randomBytes(3).toString('hex');
const name = (label: string) => `${TEST_PREFIX}vm-${label}-${run}`;
const POOL = name('pool');
const POOL2 = name('pool2');
let poolDir: string;
let pool2Dir: string;
let app: FastifyInstance;
let admin: Record<string, string>;
const made: string[] = []; // VM names, for cleanup

const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });
const domstate = (vm: string): string => virsh('domstate', vm).trim();

type Task = { state: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
async function waitTask(taskId: string, seconds = 120): Promise<Task> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const t: Task = (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=30`, headers: admin })).json();
    if (!['queued', 'running'].includes(t.state) || Date.now() > deadline) return t;
  }
}
async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<Task & { vmId?: string }> {
  const r = await app.inject({ method, url: `/api/v1${url}`, headers: admin, ...(payload ? { payload } : {}) });
  expect(r.statusCode, r.body).toBe(202);
  const t = await waitTask(r.json().taskId);
  const log = t.state === 'succeeded' ? '' : (await app.inject({ method: 'GET', url: `/api/v1/tasks/${r.json().taskId}/log`, headers: admin })).body;
  expect(t.state, `${JSON.stringify(t.error)} ${log}`).toBe('succeeded');
  return { ...t, vmId: r.json().vmId };
}
async function serialReady(vmId: string): Promise<ConsoleReader> {
  const serial = new ConsoleReader(await app.hosts.get('local').requireConnection().openConsole(vmId));
  await serial.waitFor(MARKERS.ready, 90_000);
  return serial;
}

beforeAll(async () => {
  app = await buildTestApp({ libvirtUri: 'qemu:///system' });
  admin = await tokenFor(app, 'int-admin', 'Administrator');
  // Under libvirt's images directory: QEMU runs as libvirt-qemu and must reach the files.
  poolDir = mkdtempSync(`/var/lib/libvirt/images/${TEST_PREFIX}vm-int-`);
  pool2Dir = mkdtempSync(`/var/lib/libvirt/images/${TEST_PREFIX}vm-int2-`);
  for (const [pool, path] of [[POOL, poolDir], [POOL2, pool2Dir]]) {
    const r = await app.inject({ method: 'POST', url: '/api/v1/storage/pools', headers: admin, payload: { name: pool, type: 'dir', path } });
    expect(r.statusCode, r.body).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  for (const vm of made) {
    try { virsh('destroy', vm); } catch { /* not running */ }
    try { virsh('undefine', vm, '--nvram'); } catch { /* gone */ }
  }
  // Overlays first (POOL2 holds linked clones of a disk in POOL).
  for (const [pool, dir] of [[POOL2, pool2Dir], [POOL, poolDir]] as const) {
    try {
      for (const line of virsh('vol-list', pool).split('\n').slice(2)) {
        const vol = line.trim().split(/\s+/)[0];
        if (vol) virsh('vol-delete', vol, '--pool', pool);
      }
      virsh('pool-destroy', pool);
    } catch { /* pool already gone */ }
    try { virsh('pool-undefine', pool); } catch { /* gone */ }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  await app?.close();
}, 120_000);

describe('VM lifecycle on qemu:///system with the tiny guest', () => {
  let baseId = '';

  it('uploads the tiny guest image through the API', async () => {
    const image = readFileSync((await ensureTinyGuest()).qcow2);
    const r = await app.inject({
      method: 'POST', url: `/api/v1/storage/pools/${POOL}/volumes/upload?name=tiny.qcow2&format=qcow2`,
      headers: { ...admin, 'content-type': 'application/octet-stream' }, payload: image,
    });
    expect(r.statusCode, r.body).toBe(202);
    const t = await waitTask(r.json().taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(virsh('vol-dumpxml', 'tiny.qcow2', '--pool', POOL)).toContain("<format type='qcow2'/>");
  }, 120_000);

  it('creates and starts a VM from it; it boots to ready and gets an address by DHCP', async () => {
    const vm = name('base');
    made.push(vm);
    const t = await ok('POST', '/vms', { name: vm, memoryMiB: 256, disks: [{ pool: POOL, volume: 'tiny.qcow2' }], nics: [{ network: 'default' }], tags: ['int'], start: true });
    baseId = t.vmId!;
    const xml = virsh('dumpxml', vm);
    expect(xml).toContain("<domain type='qemu'"); // no usable KVM here: Ferry chose TCG
    expect(xml).toMatch(/<acpi\/>/);
    expect(xml).toMatch(/<graphics type='vnc'[^>]*listen='127\.0\.0\.1'/);
    expect(xml).toContain(join(poolDir, 'tiny.qcow2'));
    expect(domstate(vm)).toBe('running');
    await serialReady(baseId);
    // The guest's DHCP client runs in the background: its lease shows up in the list soon after.
    let ips: string[] = [];
    for (let i = 0; i < 60 && ips.length === 0; i++) {
      ips = (await app.inject({ method: 'GET', url: `/api/v1/vms?name=${vm}`, headers: admin })).json().items[0]?.ips ?? [];
      if (ips.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(ips[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  }, 180_000);

  it('hot-plugs a new disk into the running VM', async () => {
    const { digest } = (await app.inject({ method: 'GET', url: `/api/v1/vms/${baseId}`, headers: admin })).json();
    const t = await ok('PATCH', `/vms/${baseId}`, { digest, disks: { add: [{ pool: POOL, sizeGiB: 0.05 }] } });
    expect(t.result).toMatchObject({ applied: ['added disk vdb'], pending: [] });
    expect(virsh('domblklist', name('base'))).toMatch(/vdb\s+\S+disk1\.qcow2/); // live
    expect(virsh('dumpxml', name('base'), '--inactive')).toContain("<target dev='vdb' bus='virtio'/>"); // and next boot
  }, 60_000);

  it('shuts the VM down by ACPI through the API', async () => {
    await ok('POST', `/vms/${baseId}/shutdown`, { timeoutS: 60 });
    expect(domstate(name('base'))).toBe('shut off');
  }, 90_000);

  it('makes a full clone into another pool that boots on its own copy of the disks', async () => {
    const vm = name('full');
    made.push(vm);
    const t = await ok('POST', `/vms/${baseId}/clone`, { name: vm, mode: 'full', pool: POOL2, start: true });
    const xml = virsh('dumpxml', vm);
    expect(xml).not.toContain(join(poolDir, 'tiny.qcow2'));
    // Both disks (the image and the hot-plugged one) copied into the second pool, none beside the source.
    expect(xml).toContain(join(pool2Dir, `${vm}-disk0.qcow2`));
    expect(xml).toContain(join(pool2Dir, `${vm}-disk1.qcow2`));
    expect(virsh('vol-list', POOL)).not.toContain(vm);
    expect(virsh('vol-dumpxml', `${vm}-disk0.qcow2`, '--pool', POOL2)).not.toContain('<backingStore>'); // a copy, not an overlay
    expect(virsh('dumpxml', name('base'))).not.toContain(xml.match(/<mac address='([^']+)'/)![1]!); // fresh MAC
    await serialReady(t.vmId!);
    await ok('POST', `/vms/${t.vmId}/stop`);
    expect(domstate(vm)).toBe('shut off');
  }, 180_000);

  it('turns the VM into a template that will not start, and a linked clone of it boots', async () => {
    await ok('POST', `/vms/${baseId}/template`);
    const start = await app.inject({ method: 'POST', url: `/api/v1/vms/${baseId}/start`, headers: admin });
    expect(start.statusCode).toBe(409);
    expect(domstate(name('base'))).toBe('shut off');
    const vm = name('linked');
    made.push(vm);
    const t = await ok('POST', `/vms/${baseId}/clone`, { name: vm, mode: 'linked', start: true });
    const disk = virsh('vol-dumpxml', `${vm}-disk0.qcow2`, '--pool', POOL);
    expect(disk).toContain(`<path>${join(poolDir, 'tiny.qcow2')}</path>`); // backed by the template's disk
    await serialReady(t.vmId!);
    await ok('POST', `/vms/${t.vmId}/stop`);
  }, 180_000);

  it("puts a linked clone's overlays into another pool when asked, and it boots from the template's disk there", async () => {
    const vm = name('linked2');
    made.push(vm);
    const t = await ok('POST', `/vms/${baseId}/clone`, { name: vm, mode: 'linked', pool: POOL2, start: true });
    const disk = virsh('vol-dumpxml', `${vm}-disk0.qcow2`, '--pool', POOL2);
    expect(disk).toMatch(new RegExp(`<backingStore>\\s*<path>${join(poolDir, 'tiny.qcow2')}</path>\\s*<format type='qcow2'/>`));
    expect(virsh('dumpxml', vm)).toContain(join(pool2Dir, `${vm}-disk0.qcow2`));
    await serialReady(t.vmId!);
    await ok('POST', `/vms/${t.vmId}/stop`);
  }, 180_000);

  it('refuses to delete the template\'s volumes while a linked clone in either pool rests on them, then deletes all with volumes', async () => {
    const deleteBase = () => app.inject({ method: 'DELETE', url: `/api/v1/vms/${baseId}?volumes=true`, headers: admin });
    expect((await deleteBase()).statusCode).toBe(409);
    const ids = (await app.inject({ method: 'GET', url: `/api/v1/vms?name=${run}`, headers: admin })).json().items.map((v: { id: string; name: string }) => [v.name, v.id]);
    const byName = Object.fromEntries(ids) as Record<string, string>;
    await ok('DELETE', `/vms/${byName[name('linked')]}?volumes=true`);
    // The overlay beside the template is gone; the one in the other pool still rests on it.
    const refused = await deleteBase();
    expect(refused.statusCode).toBe(409);
    // linked2 has an overlay per template disk (vda and the one hot-plugged earlier); the refusal
    // names the first that libvirt lists, in no set order.
    expect(refused.json().error.message).toMatch(new RegExp(`${POOL2}/${name('linked2')}-disk[01]\\.qcow2 is an overlay`));
    for (const label of ['linked2', 'full', 'base']) await ok('DELETE', `/vms/${byName[name(label)]}?volumes=true`);
    const all = virsh('list', '--all', '--name');
    for (const label of ['linked', 'linked2', 'full', 'base']) expect(all).not.toContain(name(label));
    for (const pool of [POOL, POOL2]) expect(virsh('vol-list', pool).split('\n').slice(2).filter((l) => l.trim())).toEqual([]);
  }, 120_000);
});
