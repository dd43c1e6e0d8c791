// Snapshot routes against libvirt's test:///default driver, on a VM of our own there with a
// qcow2 disk (the driver's 'test' domain has a raw one). The driver keeps internal snapshots as
// metadata and reverts state; it has no disk-only/external mode, which the integration test
// covers on the real daemon. The driver is shared by every connection in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { EventMessage } from '@ferry/contract';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let vmId: string;
const events: EventMessage[] = [];

type Task = { state: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
const url = (rest = '') => `/api/v1/vms/${vmId}/snapshots${rest}`;
const waitTask = async (taskId: string): Promise<Task> => (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=10`, headers: admin })).json();
async function ok(method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object, headers = admin): Promise<Task> {
  const r = await app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
  expect(r.statusCode, r.body).toBe(202);
  const t = await waitTask(r.json().taskId);
  expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
  return t;
}
const list = async () => (await app.inject({ method: 'GET', url: url(), headers: admin })).json() as { items: { name: string; parent: string | null; children: string[]; depth: number; current: boolean; [k: string]: unknown }[]; current: string | null };
const state = async () => (await app.inject({ method: 'GET', url: `/api/v1/vms/${vmId}`, headers: admin })).json().state as string;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'snap-admin', 'Administrator');
  const conn = app.hosts.get('local').requireConnection();
  const ref = await conn.defineDomain(`<domain type='test'><name>snaptest</name><memory unit='MiB'>128</memory><os><type>hvm</type></os>
    <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/guest/snaptest.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>`);
  vmId = ref.uuid;
  await conn.domain(vmId).start();
  app.events.onEvent((e) => { events.push(e); });
});
afterAll(async () => { await app.close(); });

describe('POST /vms/:vmId/snapshots', () => {
  it('takes a full snapshot of a running VM by default, as a task, and publishes it', async () => {
    const t = await ok('POST', url(), { name: 'root', description: 'first' });
    expect(t.result).toEqual({ name: 'root', kind: 'full', location: 'internal', consistency: 'memory' });
    const l = await list();
    expect(l.current).toBe('root');
    expect(l.items).toEqual([expect.objectContaining({
      name: 'root', description: 'first', parent: null, children: [], depth: 0, current: true, kind: 'full', location: 'internal',
      memory: true, vmState: 'running', consistency: 'memory', sizeBytes: null, revert: { possible: true },
    })]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'vm.event', vmId, kind: 'snapshot', detail: expect.objectContaining({ name: 'root', action: 'created' }) }));
  });

  it('refuses bad names with 400 and a taken one with 409', async () => {
    for (const name of ['..', '.hidden', 'a/b', 'a..b', '-x', 'x'.repeat(64), 'a b', '<x>']) {
      const r = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { name } });
      expect(r.statusCode, name).toBe(400);
    }
    const bad = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { name: 'ok', kind: 'memory' } });
    expect(bad.statusCode).toBe(400);
    const taken = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { name: 'root' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('CONFLICT');
  });

  it('queues snapshots of one VM behind each other, and a duplicate queued behind its twin fails in its task', async () => {
    const posts = await Promise.all(['q1', 'q1'].map((name) => app.inject({ method: 'POST', url: url(), headers: admin, payload: { name } })));
    const accepted = posts.filter((p) => p.statusCode === 202);
    // The second may be refused at once (the first already ran) or queued and failed.
    const tasks = await Promise.all(accepted.map((p) => waitTask(p.json().taskId)));
    expect(tasks.filter((t) => t.state === 'succeeded')).toHaveLength(1);
    expect([...posts.filter((p) => p.statusCode === 409), ...tasks.filter((t) => t.state === 'failed')]).toHaveLength(1);
    await ok('DELETE', url('/q1'));
  });

  it('refuses a full snapshot of a shut-off VM with 409, and takes a disk snapshot of it', async () => {
    await app.hosts.get('local').requireConnection().domain(vmId).destroy();
    const full = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { name: 'nope', kind: 'full' } });
    expect(full.statusCode).toBe(409);
    expect(full.json().error.message).toMatch(/no memory to save/);
    const t = await ok('POST', url(), { name: 'off' });
    expect(t.result).toMatchObject({ kind: 'disk', location: 'internal', consistency: 'offline' });
    await ok('DELETE', url('/off'));
    await app.hosts.get('local').requireConnection().domain(vmId).start();
  });
});

describe('the tree, detail and description', () => {
  it('grows a tree: revert to the root, snapshot again, the root has two children', async () => {
    await ok('POST', url(), { name: 'a' });
    await ok('POST', url('/root/revert'), { force: true });
    await ok('POST', url(), { name: 'b' });
    const l = await list();
    expect(l.items.map((s) => [s.name, s.depth, s.parent])).toEqual([['root', 0, null], ['a', 1, 'root'], ['b', 1, 'root']]);
    expect(l.items[0]!.children).toEqual(['a', 'b']);
    expect(l.current).toBe('b');
  });

  it('shows one snapshot, 404 for an unknown one and 400 for a malformed name', async () => {
    const r = await app.inject({ method: 'GET', url: url('/a'), headers: admin });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ name: 'a', parent: 'root', current: false });
    expect((await app.inject({ method: 'GET', url: url('/nope'), headers: admin })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: url('/..%2F..'), headers: admin })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/vms/00000000-0000-4000-8000-000000000000/snapshots', headers: admin })).statusCode).toBe(404);
  });

  it('changes a description without moving the current marker; markup is a 400', async () => {
    await ok('PATCH', url('/b'), { description: 'after the change' });
    await ok('PATCH', url('/a'), { description: 'side branch' });
    const l = await list();
    expect(l.items.find((s) => s.name === 'b')).toMatchObject({ description: 'after the change', current: true });
    expect(l.items.find((s) => s.name === 'a')).toMatchObject({ description: 'side branch', current: false });
    const evil = await app.inject({ method: 'PATCH', url: url('/a'), headers: admin, payload: { description: '</description><x/>' } });
    expect(evil.statusCode).toBe(400);
  });
});

describe('POST /vms/:vmId/snapshots/:name/revert', () => {
  it('refuses to discard a running VM without force, then reverts to the state asked for', async () => {
    const r = await app.inject({ method: 'POST', url: url('/a/revert'), headers: admin });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/force: true/) });
    expect((await list()).current).toBe('b'); // nothing happened

    await ok('POST', url('/a/revert'), { force: true, state: 'paused' });
    expect(await state()).toBe('paused');
    expect((await list()).current).toBe('a');
    await ok('POST', url('/root/revert'), { force: true, state: 'shutoff' });
    expect(await state()).toBe('shutoff');
    await ok('POST', url('/b/revert')); // shut off: nothing to lose, no force needed
    expect(await state()).toBe('running');
    expect(events.filter((e) => e.type === 'vm.event' && e.detail.action === 'reverted').length).toBeGreaterThanOrEqual(4);
  });
});

describe('permissions and audit', () => {
  it('lets an Operator snapshot and an Auditor only read', async () => {
    await createUser(app, { username: 'snap-op', grants: [{ path: `/vms/${vmId}`, role: 'Operator' }] });
    await createUser(app, { username: 'snap-aud', grants: [{ path: `/vms/${vmId}`, role: 'Auditor' }] });
    const op = await tokenFor(app, 'snap-op');
    const aud = await tokenFor(app, 'snap-aud');
    await ok('POST', url(), { name: 'by-op' }, op);
    expect((await app.inject({ method: 'GET', url: url(), headers: aud })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: url(), headers: aud, payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: url('/by-op'), headers: aud })).statusCode).toBe(403);
    // Metadata-only deletes are for Administrators.
    const meta = await app.inject({ method: 'DELETE', url: url('/by-op?metadataOnly=true'), headers: op });
    expect(meta.statusCode).toBe(403);
    await ok('DELETE', url('/by-op'), undefined, op);
    expect((await app.inject({ method: 'GET', url: url(), headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
  });

  it('records snapshot changes in the audit log against the VM', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=200', headers: admin });
    const mine = (r.json().items as { target: string; action?: string; route?: string }[]).filter((e) => e.target === `vm:${vmId}`);
    expect(mine.length).toBeGreaterThanOrEqual(5);
  });
});

describe('DELETE /vms/:vmId/snapshots/:name', () => {
  it('deletes one snapshot (its child moves up), then one with its children', async () => {
    await ok('POST', url(), { name: 'c' }); // child of b
    await ok('DELETE', url('/b'));
    let l = await list();
    expect(l.items.find((s) => s.name === 'c')).toMatchObject({ parent: 'root', current: true });
    const t = await ok('DELETE', url('/root?children=true'));
    expect(new Set(t.result!.deleted as string[])).toEqual(new Set(['root', 'a', 'c']));
    l = await list();
    expect(l.items).toEqual([]);
    expect(l.current).toBeNull();
    // (Metadata-only deletes: the test driver has no such flag; snapshots.int.test.ts does them.)
    expect((await app.inject({ method: 'DELETE', url: url('/m'), headers: admin })).statusCode).toBe(404);
    expect(events.filter((e) => e.type === 'vm.event' && e.detail.action === 'deleted').length).toBeGreaterThanOrEqual(3);
  });
});
