// Snapshots end to end on the real daemon (qemu:///system) with the tiny guest, through the API
// only. The guest's /data/bootcount counts its boots and is printed on the serial line at
// every boot ("ready … bootcount: N"), so "which disk state am I on" is one number. After each
// step `virsh snapshot-list --tree`, `virsh domblklist` and `qemu-img info --backing-chain` —
// observers independent of Ferry — check what libvirt and the image files really hold.
// Guests have no NIC: no traffic is ever sent to them.
//
// The stories:
//   A. full snapshot of a running VM → reset it (the counter moves) → revert → running again
//      with the old counter in memory and on disk, and its serial console answers;
//   B. internal disk snapshot of a shut-off VM → boot (the disk changes) → revert → the change
//      is gone; a three-level tree, delete the middle one, the child still reverts correctly;
//   C. external (overlay) snapshots of a running VM: a chain of three, revert refused clearly on
//      libvirt < 9.9, delete the middle one live (merged, chain shorter), shut off: only the
//      newest can be merged, metadata-only delete for admins; the guest's data survives.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { ensureTinyGuest, MARKERS } from '../../../../../scripts/tinyguest/tinyguest.ts';
import { ConsoleReader } from '../../../../../scripts/testing/console-reader.ts';

const run = randomBytes(3).toString('hex');
const name = (label: string) => `ferry-test-snap-${label}-${run}`;
const POOL = name('pool');
let poolDir: string;
let app: FastifyInstance;
let admin: Record<string, string>;
const vms: Record<string, string> = {}; // label → uuid
const consoles: ConsoleReader[] = [];

const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });
const tree = (label: string): string => virsh('snapshot-list', name(label), '--tree').trim();
const chain = (file: string): string[] => [...execFileSync('qemu-img', ['info', '--force-share', '--backing-chain', file], { encoding: 'utf8' }).matchAll(/^image: (.*)$/gm)].map((m) => m[1]!);
const topFile = (label: string): string => /vda\s+(\S+)/.exec(virsh('domblklist', name(label)))![1]!;

type Task = { state: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url: `/api/v1${url}`, headers: admin, ...(payload ? { payload } : {}) });
}
async function ok(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<Task & { vmId?: string }> {
  const r = await call(method, url, payload);
  expect(r.statusCode, r.body).toBe(202);
  let t: Task;
  do t = (await call('GET', `/tasks/${r.json().taskId}?wait=30`)).json(); while (['queued', 'running'].includes(t.state));
  const log = t.state === 'succeeded' ? '' : (await call('GET', `/tasks/${r.json().taskId}/log`)).body;
  expect(t.state, `${JSON.stringify(t.error)} ${log}`).toBe('succeeded');
  return { ...t, vmId: r.json().vmId };
}
async function refused(method: 'POST' | 'DELETE', url: string, payload?: object): Promise<string> {
  const r = await call(method, url, payload);
  expect(r.statusCode, r.body).toBe(409);
  return r.json().error.message as string;
}
const snaps = async (label: string) => (await call('GET', `/vms/${vms[label]}/snapshots`)).json() as { items: Record<string, unknown>[]; current: string | null };

/** Starts the VM through the API and returns the boot count it reports on its serial line. */
async function boot(label: string): Promise<number> {
  await ok('POST', `/vms/${vms[label]}/start`);
  const serial = new ConsoleReader(await app.hosts.get('local').requireConnection().openConsole(vms[label]!));
  consoles.push(serial);
  return Number((await serial.waitFor(MARKERS.ready, 90_000))[2]);
}
async function stop(label: string): Promise<void> {
  await ok('POST', `/vms/${vms[label]}/stop`);
  expect(virsh('domstate', name(label)).trim()).toBe('shut off');
}

beforeAll(async () => {
  app = await buildTestApp({ libvirtUri: 'qemu:///system' });
  admin = await tokenFor(app, 'snap-int-admin', 'Administrator');
  poolDir = mkdtempSync('/var/lib/libvirt/images/ferry-test-snap-');
  const r = await call('POST', '/storage/pools', { name: POOL, type: 'dir', path: poolDir });
  expect(r.statusCode, r.body).toBe(201);
  const image = (await ensureTinyGuest()).qcow2;
  for (const label of ['a', 'b', 'c']) copyFileSync(image, join(poolDir, `${label}.qcow2`));
  virsh('pool-refresh', POOL);
  for (const label of ['a', 'b', 'c']) {
    const t = await ok('POST', '/vms', { name: name(label), memoryMiB: 256, disks: [{ pool: POOL, volume: `${label}.qcow2` }], nics: [] });
    vms[label] = t.vmId!;
  }
}, 120_000);

/** Runs a clean-up command, retrying while the daemon is away (other suites restart it). */
async function tidy(...args: string[]): Promise<void> {
  for (let i = 0; i < 30; i++) {
    try {
      virsh(...args);
      return;
    } catch (e) {
      if (!/failed to connect|End of file|Cannot recv data/i.test(String((e as { stderr?: string }).stderr ?? e))) return; // nothing to do
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

afterAll(async () => {
  // Consoles still open (their VM runs) are closed; one whose guest stopped has ended already
  // and needs nothing (aborting an ended stream can block the call pool's Worker).
  for (const c of consoles.filter((x) => !x.stream.isEnded)) await Promise.race([c.stream.abort().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
  for (const label of Object.keys(vms)) {
    await tidy('destroy', name(label));
    await tidy('undefine', name(label), '--snapshots-metadata', '--nvram'); // snapshot metadata goes too
  }
  await tidy('pool-destroy', POOL);
  await tidy('pool-undefine', POOL);
  rmSync(poolDir, { recursive: true, force: true }); // volumes and every overlay file
  await app?.close();
}, 120_000);

describe('A. full snapshot of a running VM', () => {
  it('reverts a reset guest to the running state it had, old counter included', async () => {
    expect(await boot('a')).toBe(1);
    const t = await ok('POST', `/vms/${vms.a}/snapshots`, { name: 'booted', description: 'first boot' });
    expect(t.result).toEqual({ name: 'booted', kind: 'full', location: 'internal', consistency: 'memory' });
    expect(tree('a')).toBe('booted');
    expect(virsh('snapshot-info', name('a'), 'booted')).toMatch(/State:\s+running/);
    expect(execFileSync('qemu-img', ['snapshot', '-l', '-U', join(poolDir, 'a.qcow2')], { encoding: 'utf8' })).toMatch(/\sbooted\s/);
    expect(chain(join(poolDir, 'a.qcow2'))).toEqual([join(poolDir, 'a.qcow2')]); // all inside the one file

    await ok('POST', `/vms/${vms.a}/reset`);
    const serial = consoles.at(-1)!;
    const mark = serial.text.length;
    expect(Number((await serial.waitFor(MARKERS.ready, 90_000, mark))[2])).toBe(2);

    expect(await refused('POST', `/vms/${vms.a}/snapshots/booted/revert`)).toMatch(/force: true/);
    const r = await ok('POST', `/vms/${vms.a}/snapshots/booted/revert`, { force: true });
    expect(r.result).toEqual({ name: 'booted', state: 'running' });
    expect(virsh('domstate', name('a')).trim()).toBe('running');
    expect(virsh('snapshot-current', name('a'), '--name').trim()).toBe('booted');

    // The guest is back where it was: at its login prompt after boot 1. It answers on the serial line.
    consoles.splice(consoles.indexOf(serial), 1);
    await serial.stream.abort();
    const again = new ConsoleReader(await app.hosts.get('local').requireConnection().openConsole(vms.a!, { force: true }));
    consoles.push(again);
    await again.type('\r');
    await again.waitFor('login: ', 30_000);
    await again.type('root\r');
    await again.waitFor('# ', 15_000);
    const at = again.text.length;
    await again.type('cat /data/bootcount\r');
    await again.waitFor(/\r?\n1\r?\n/, 15_000, at);
  }, 240_000);
});

describe('B. internal disk snapshots of a shut-off VM', () => {
  it('takes the disk back to before a boot', async () => {
    const t = await ok('POST', `/vms/${vms.b}/snapshots`, { name: 'clean' });
    expect(t.result).toMatchObject({ kind: 'disk', location: 'internal', consistency: 'offline' });
    expect(virsh('snapshot-info', name('b'), 'clean')).toMatch(/State:\s+shutoff/);
    expect(await boot('b')).toBe(1); // the disk changes
    await stop('b');
    await ok('POST', `/vms/${vms.b}/snapshots/clean/revert`);
    expect(await boot('b')).toBe(1); // the change is gone: the first boot again
    await stop('b');
  }, 240_000);

  it('keeps a child revertible after its parent — the middle of three levels — is deleted', async () => {
    // clean (count 0) → l2 (count 1) → l3 (count 2); then boot on so the disk moves past l3.
    await ok('POST', `/vms/${vms.b}/snapshots/clean/revert`);
    expect(await boot('b')).toBe(1);
    await stop('b');
    await ok('POST', `/vms/${vms.b}/snapshots`, { name: 'l2' });
    expect(await boot('b')).toBe(2);
    await stop('b');
    await ok('POST', `/vms/${vms.b}/snapshots`, { name: 'l3' });
    expect(await boot('b')).toBe(3);
    await stop('b');
    expect(tree('b').replace(/\s+/g, ' ')).toMatch(/^clean \| \+- l2 \| \+- l3$/);
    const listed = (await snaps('b')).items.map((s) => [s.name, s.depth]);
    expect(listed).toEqual([['clean', 0], ['l2', 1], ['l3', 2]]);

    await ok('DELETE', `/vms/${vms.b}/snapshots/l2`);
    expect(tree('b').replace(/\s+/g, ' ')).toMatch(/^clean \| \+- l3$/);
    expect(execFileSync('qemu-img', ['snapshot', '-l', join(poolDir, 'b.qcow2')], { encoding: 'utf8' })).not.toMatch(/\sl2\s/);
    await ok('POST', `/vms/${vms.b}/snapshots/l3/revert`);
    expect(await boot('b')).toBe(3); // l3 held count 2: this is its next boot
    await stop('b');
    expect(chain(join(poolDir, 'b.qcow2'))).toEqual([join(poolDir, 'b.qcow2')]); // internal: no overlays
  }, 300_000);
});

describe('C. external snapshots of a running VM', () => {
  it('builds an overlay chain, refuses what libvirt 9.0 cannot do, merges the middle one live', async () => {
    const base = join(poolDir, 'c.qcow2');
    expect(await boot('c')).toBe(1);
    for (const s of ['e1', 'e2', 'e3']) {
      const t = await ok('POST', `/vms/${vms.c}/snapshots`, { name: s, kind: 'disk' });
      // Ferry's VMs have an agent channel; the tiny guest runs no agent.
      expect(t.result).toMatchObject({ kind: 'disk', location: 'external', consistency: 'crash-consistent' });
    }
    expect(tree('c').replace(/\s+/g, ' ')).toMatch(/^e1 \| \+- e2 \| \+- e3$/);
    const files = (await snaps('c')).items.map((s) => (s.disks as { file: string }[])[0]!.file);
    expect(topFile('c')).toBe(files[2]);
    expect(chain(files[2]!)).toEqual([files[2], files[1], files[0], base]);
    const e1 = (await snaps('c')).items[0]!;
    expect(e1).toMatchObject({ location: 'external', consistency: 'crash-consistent', revert: { possible: false } });
    expect(e1.sizeBytes).toBeGreaterThan(0); // the overlay is a pool volume

    expect(await refused('POST', `/vms/${vms.c}/snapshots/e1/revert`, { force: true })).toMatch(/cannot revert external snapshots/);
    expect(await refused('POST', `/vms/${vms.c}/snapshots`, { name: 'mix', kind: 'full' })).toMatch(/external snapshot/);
    expect(await refused('DELETE', `/vms/${vms.c}/snapshots/e1?children=true`)).toMatch(/together with its children/);
    expect(tree('c').replace(/\s+/g, ' ')).toMatch(/^e1 \| \+- e2 \| \+- e3$/); // nothing was touched

    await ok('DELETE', `/vms/${vms.c}/snapshots/e2`);
    expect(tree('c').replace(/\s+/g, ' ')).toMatch(/^e1 \| \+- e3$/);
    expect(chain(files[2]!)).toEqual([files[2], files[0], base]);
    expect(existsSync(files[1]!)).toBe(false);
    expect(virsh('domstate', name('c')).trim()).toBe('running');
  }, 240_000);

  it('on the shut-off VM merges only the newest, forgets metadata for admins, and the guest data survives', async () => {
    await stop('c');
    const [e1, e3] = (await snaps('c')).items.map((s) => (s.disks as { file: string }[])[0]!.file);
    expect(await refused('DELETE', `/vms/${vms.c}/snapshots/e1`)).toMatch(/only the newest/);
    await ok('DELETE', `/vms/${vms.c}/snapshots/e3`);
    expect(topFile('c')).toBe(e1);
    expect(existsSync(e3!)).toBe(false);
    expect(tree('c')).toBe('e1');

    const meta = await ok('DELETE', `/vms/${vms.c}/snapshots/e1?metadataOnly=true`);
    expect(meta.result).toEqual({ deleted: ['e1'], metadataOnly: true });
    expect(tree('c')).toBe('');
    expect(topFile('c')).toBe(e1); // the data stays where it is
    expect(await boot('c')).toBe(2); // boot 1's write went through every merge
    await stop('c');
    expect(readdirSync(poolDir).filter((f) => f.startsWith(name('c')))).toEqual([e1!.slice(poolDir.length + 1)]);
  }, 240_000);
});
