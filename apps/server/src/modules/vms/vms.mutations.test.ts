// Edit, template, clone, delete and bulk power against test:///default. Each test makes its own
// VMs (name prefix vmmut-) through the API; the driver is shared by the whole process.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'mut-admin', 'Administrator');
});
afterAll(async () => { await app.close(); });

type Task = { state: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
const waitTask = async (taskId: string): Promise<Task> =>
  (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=10`, headers: admin })).json();
const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = admin) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

async function createVm(name: string, extra: object = {}): Promise<string> {
  const r = await api('POST', '/vms', { name, ...extra });
  expect(r.statusCode, r.body).toBe(202);
  const t = await waitTask(r.json().taskId);
  expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
  return r.json().vmId;
}
const detail = async (id: string) => (await api('GET', `/vms/${id}`)).json();

describe('PATCH /vms/:vmId', () => {
  it('applies description, tags, vCPUs and memory to a stopped VM, and the list sees the new tags', async () => {
    const id = await createVm('vmmut-edit');
    const { digest } = await detail(id);
    const r = await api('PATCH', `/vms/${id}`, { digest, description: 'web server', tags: ['prod', 'web'], vcpus: 2, memoryMiB: 512 });
    expect(r.statusCode).toBe(202);
    const t = await waitTask(r.json().taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.result!.pending).toEqual([]);
    expect(await detail(id)).toMatchObject({ description: 'web server', tags: ['prod', 'web'], vcpu: { max: 2 }, memory: { maxMiB: 512 } });
    const listed = (await api('GET', '/vms?tag=web')).json().items.map((v: { id: string }) => v.id);
    expect(listed).toEqual([id]);
  });

  it('refuses a stale digest with 409 STALE_DIGEST and changes nothing', async () => {
    const id = await createVm('vmmut-stale');
    const { digest } = await detail(id);
    await waitTask((await api('PATCH', `/vms/${id}`, { digest, description: 'first' })).json().taskId);
    const r = await api('PATCH', `/vms/${id}`, { digest, description: 'second' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('STALE_DIGEST');
    expect((await detail(id)).description).toBe('first');
  });

  it('refuses unknown fields and host paths in edits', async () => {
    const id = await createVm('vmmut-badedit');
    const { digest } = await detail(id);
    for (const payload of [{ digest, emulator: '/bin/sh' }, { digest, disks: { add: [{ path: '/etc/shadow' }] } }, { digest: 'x' }, { digest, vcpus: -1 }]) {
      expect((await api('PATCH', `/vms/${id}`, payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('templates and clones', () => {
  it('makes a stopped VM a template that refuses to start, and clones it linked or in full', async () => {
    const id = await createVm('vmmut-tpl', { tags: ['base'] });
    const t = await waitTask((await api('POST', `/vms/${id}/template`)).json().taskId);
    expect(t.state).toBe('succeeded');
    expect((await detail(id)).template).toBe(true);
    const start = await api('POST', `/vms/${id}/start`);
    expect(start.statusCode).toBe(409);
    expect(start.json().error.message).toMatch(/template/);

    for (const mode of ['linked', 'full'] as const) {
      const c = await api('POST', `/vms/${id}/clone`, { name: `vmmut-tpl-${mode}`, mode });
      expect(c.statusCode, c.body).toBe(202);
      const ct = await waitTask(c.json().taskId);
      expect(ct.state, JSON.stringify(ct.error)).toBe('succeeded');
      const clone = await detail(c.json().vmId);
      expect(clone).toMatchObject({ name: `vmmut-tpl-${mode}`, template: false, tags: ['base'] });
      expect(clone.id).not.toBe(id);
    }
  });

  it('refuses a linked clone of a VM that is not a template, and a clone of a running VM', async () => {
    const id = await createVm('vmmut-notpl');
    expect((await api('POST', `/vms/${id}/clone`, { name: 'vmmut-x', mode: 'linked' })).statusCode).toBe(409);
    const running = (await api('GET', '/vms?name=test&state=running')).json().items.find((v: { name: string }) => v.name === 'test');
    expect((await api('POST', `/vms/${running.id}/clone`, { name: 'vmmut-y' })).statusCode).toBe(409);
    expect((await api('POST', `/vms/${id}/clone`, { name: 'test' })).statusCode).toBe(409);
  });
});

describe('clones into a chosen pool', () => {
  let n = 0;
  /** A running dir pool of its own (test driver: nothing on disk). */
  async function newPool(label: string): Promise<string> {
    const name = `vmmut-${label}-${++n}`;
    const r = await api('POST', '/storage/pools?hostId=local', { name, type: 'dir', path: `/srv/${name}` });
    expect(r.statusCode, r.body).toBe(201);
    return name;
  }
  const volumes = async (pool: string) => (await api('GET', `/storage/pools/${pool}/volumes`)).json().items as { name: string; backingStore: { path: string } | null }[];
  const clone = async (id: string, body: object) => {
    const r = await api('POST', `/vms/${id}/clone`, body);
    expect(r.statusCode, r.body).toBe(202);
    const t = await waitTask(r.json().taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    return { vmId: r.json().vmId as string, result: t.result! };
  };

  it('puts a full copy into the named pool, and the source disk stays where it was', async () => {
    const id = await createVm('vmmut-cpool', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    const target = await newPool('cpool-target');
    // libvirt's test driver copies a volume only within one pool (it looks the source up in the
    // target pool); the real storage driver copies across pools (vms.int.test.ts). So here the
    // copy is a new volume made where Ferry asked for it, from the same volume XML.
    const conn = app.hosts.get('local').requireConnection();
    const copy = vi.spyOn(conn, 'cloneVolume').mockImplementation((pool, xml) => conn.createVolume(pool, xml));
    let c;
    try {
      c = await clone(id, { name: 'vmmut-cpool-copy', pool: target });
      expect(copy).toHaveBeenCalledWith(target, expect.stringContaining('<name>vmmut-cpool-copy-disk0.qcow2</name>'), expect.objectContaining({ pool: 'default-pool', volume: 'vmmut-cpool-disk0.qcow2' }));
    } finally {
      copy.mockRestore();
    }
    expect(c.result.volumes).toEqual([`${target}/vmmut-cpool-copy-disk0.qcow2`]);
    expect((await detail(c.vmId)).disks[0].source).toMatchObject({ file: `/srv/${target}/vmmut-cpool-copy-disk0.qcow2` });
    expect((await detail(id)).disks[0].source).toMatchObject({ file: '/default-pool/vmmut-cpool-disk0.qcow2' });
    expect((await volumes('default-pool')).map((v) => v.name)).not.toContain('vmmut-cpool-copy-disk0.qcow2');
    // Without a pool, the copy goes beside the source disk, as before.
    const same = await clone(id, { name: 'vmmut-cpool-same' });
    expect(same.result.volumes).toEqual(['default-pool/vmmut-cpool-same-disk0.qcow2']);
  });

  it("puts a template's linked overlays into the named pool, and then the template's volumes cannot be deleted", async () => {
    const id = await createVm('vmmut-lpool', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    expect((await waitTask((await api('POST', `/vms/${id}/template`)).json().taskId)).state).toBe('succeeded');
    const target = await newPool('lpool-target');
    const c = await clone(id, { name: 'vmmut-lpool-linked', mode: 'linked', pool: target });
    expect(c.result.volumes).toEqual([`${target}/vmmut-lpool-linked-disk0.qcow2`]);
    const overlay = (await volumes(target)).find((v) => v.name === 'vmmut-lpool-linked-disk0.qcow2');
    expect(overlay?.backingStore?.path).toBe('/default-pool/vmmut-lpool-disk0.qcow2');
    // The overlay lives in another pool than its base: deleting the template's volumes is still refused.
    const refused = await api('DELETE', `/vms/${id}?volumes=true`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain(`${target}/vmmut-lpool-linked-disk0.qcow2`);
  });

  it('answers 400 BAD_REQUEST for a pool the host does not have, or a malformed name, and makes nothing', async () => {
    const id = await createVm('vmmut-nopool', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    const r = await api('POST', `/vms/${id}/clone`, { name: 'vmmut-nopool-copy', pool: 'no-such-pool' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'BAD_REQUEST', details: { pool: 'no-such-pool' } });
    expect(r.json().error.message).toContain('no-such-pool');
    expect((await api('POST', `/vms/${id}/clone`, { name: 'vmmut-nopool-copy', pool: '../etc' })).statusCode).toBe(400);
    expect((await api('GET', '/vms?name=vmmut-nopool-copy')).json().items).toEqual([]);
  });

  it('answers 409 INVALID_STATE for a stopped pool, and makes nothing', async () => {
    const id = await createVm('vmmut-stoppool', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    const target = await newPool('stopped');
    expect((await api('POST', `/storage/pools/${target}/stop?hostId=local`, {})).statusCode).toBe(200);
    const r = await api('POST', `/vms/${id}/clone`, { name: 'vmmut-stoppool-copy', pool: target });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'INVALID_STATE', details: { pool: target } });
    expect(r.json().error.message).toMatch(/stopped/);
    expect((await api('GET', '/vms?name=vmmut-stoppool-copy')).json().items).toEqual([]);
  });

  it('answers 400 for a pool that does not hold files (a logical volume group)', async () => {
    const id = await createVm('vmmut-lvmpool', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    const conn = app.hosts.get('local').requireConnection();
    const lvm = `vmmut-lvm-${++n}`;
    await conn.defineStoragePool(`<pool type='logical'><name>${lvm}</name><target><path>/dev/${lvm}</path></target></pool>`);
    await conn.startStoragePool(lvm);
    const r = await api('POST', `/vms/${id}/clone`, { name: 'vmmut-lvmpool-copy', pool: lvm });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/logical pool/);
  });
});

describe('DELETE /vms/:vmId', () => {
  it('refuses a running VM (409) and deletes a stopped one', async () => {
    const running = (await api('GET', '/vms?name=test')).json().items.find((v: { name: string }) => v.name === 'test');
    expect((await api('DELETE', `/vms/${running.id}`)).statusCode).toBe(409);
    const id = await createVm('vmmut-del');
    const r = await api('DELETE', `/vms/${id}?volumes=true`);
    expect(r.statusCode).toBe(202);
    const t = await waitTask(r.json().taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect((await api('GET', `/vms/${id}`)).statusCode).toBe(404);
  });
});

describe('POST /vms/power (bulk)', () => {
  it('answers per VM: a task where allowed, FORBIDDEN or INVALID_STATE where not', async () => {
    const a = await createVm('vmmut-bulk-a');
    const b = await createVm('vmmut-bulk-b');
    await createUser(app, { username: 'bulk-op', grants: [{ path: `/vms/${a}`, role: 'Operator' }] });
    const op = await tokenFor(app, 'bulk-op');
    const r = await api('POST', '/vms/power', { action: 'start', vmIds: [a, b] }, op);
    expect(r.statusCode).toBe(200);
    const byId = Object.fromEntries(r.json().results.map((x: { vmId: string }) => [x.vmId, x]));
    expect(byId[a].taskId).toBeDefined();
    expect(byId[b].error.code).toBe('FORBIDDEN');
    expect((await waitTask(byId[a].taskId)).state).toBe('succeeded');
    const again = await api('POST', '/vms/power', { action: 'start', vmIds: [a] }, op);
    expect(again.json().results[0].error.code).toBe('INVALID_STATE');
    await waitTask((await api('POST', `/vms/${a}/stop`)).json().taskId);
  });
});

describe('volumes in use', () => {
  it('refuses to delete a volume that is a VM\'s disk (409), and allows it once the VM is gone', async () => {
    const id = await createVm('vmmut-vol', { disks: [{ pool: 'default-pool', sizeGiB: 1 }] });
    const vol = 'vmmut-vol-disk0.qcow2';
    const refused = await api('DELETE', `/storage/pools/default-pool/volumes/${vol}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/vmmut-vol/);
    expect((await waitTask((await api('DELETE', `/vms/${id}`)).json().taskId)).state).toBe('succeeded');
    expect((await api('DELETE', `/storage/pools/default-pool/volumes/${vol}`)).statusCode).toBe(204);
  });
});
