// VM routes against libvirt's test:///default driver (one domain 'test', running; a default
// pool and network). Note the driver is shared by every connection in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let testUuid: string;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'vm-admin', 'Administrator');
  testUuid = (await app.hosts.get('local').requireConnection().lookupDomainByName('test')).uuid;
});
afterAll(async () => { await app.close(); });

const waitTask = async (taskId: string) => {
  const r = await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=10`, headers: admin });
  return r.json() as { state: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
};

describe('GET /vms', () => {
  it('lists the driver\'s VM with state, resources and host', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/vms', headers: admin });
    expect(r.statusCode).toBe(200);
    const vm = r.json().items.find((v: { name: string }) => v.name === 'test');
    expect(vm).toMatchObject({ id: testUuid, hostId: 'local', state: 'running', reason: 'unknown', vcpus: 2, tags: [], template: false, stale: false });
    expect(vm.memoryMiB).toBeGreaterThan(0);
  });

  it('filters by state and name, and refuses unknown filters', async () => {
    const off = await app.inject({ method: 'GET', url: '/api/v1/vms?state=shutoff&name=test', headers: admin });
    expect(off.json().items.map((v: { name: string }) => v.name)).not.toContain('test');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/vms?color=red', headers: admin });
    expect(bad.statusCode).toBe(400);
  });

  it('shows a user only the VMs they hold sys.read on', async () => {
    await createUser(app, { username: 'vm-viewer', grants: [{ path: `/vms/${testUuid}`, role: 'Auditor' }] });
    await createUser(app, { username: 'vm-nobody', grants: [{ path: '/vms/00000000-0000-4000-8000-000000000000', role: 'Auditor' }] });
    const seen = await app.inject({ method: 'GET', url: '/api/v1/vms', headers: await tokenFor(app, 'vm-viewer') });
    expect(seen.json().items.map((v: { id: string }) => v.id)).toEqual([testUuid]);
    const none = await app.inject({ method: 'GET', url: '/api/v1/vms', headers: await tokenFor(app, 'vm-nobody') });
    expect(none.json().items).toEqual([]);
  });
});

describe('GET /vms/:vmId', () => {
  it('returns the configuration with a digest', async () => {
    const r = await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}`, headers: admin });
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d).toMatchObject({ id: testUuid, name: 'test', state: 'running', persistent: true, firmware: { kind: 'bios' } });
    expect(d.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(d.vcpu.max).toBe(2);
  });

  it('answers 404 for an unknown VM and 400 for a malformed id', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/vms/00000000-0000-4000-8000-000000000000', headers: admin })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/vms/..%2F..', headers: admin })).statusCode).toBe(400);
  });
});

describe('POST /vms', () => {
  it('creates a VM from a minimal body, as a task, with ACPI, VNC on loopback and a serial console', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload: { name: 'vmtest-minimal' } });
    expect(r.statusCode).toBe(202);
    const { taskId, vmId } = r.json();
    const task = await waitTask(taskId);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    expect(task.result).toMatchObject({ vmId, name: 'vmtest-minimal', started: false });
    const xml = await app.hosts.get('local').requireConnection().domain(vmId).getXML();
    expect(xml).toContain('<acpi/>');
    expect(xml).toMatch(/<graphics type=.vnc.[^>]*listen=.127\.0\.0\.1./);
    expect(xml).toContain('org.qemu.guest_agent.0');
    const detail = (await app.inject({ method: 'GET', url: `/api/v1/vms/${vmId}`, headers: admin })).json();
    expect(detail).toMatchObject({ name: 'vmtest-minimal', state: 'shutoff', vcpus: 1, memory: { maxMiB: 1024 }, serial: true, guestAgent: true });
  });

  it('refuses an injection attempt in any string field with 400, and defines nothing', async () => {
    const evil = `x</description><devices><hostdev mode='subsystem'/></devices><description>`;
    for (const payload of [
      { name: 'vmtest-evil', description: evil }, { name: `vmtest-evil'/><hostdev/>` }, { name: 'vmtest-evil', tags: [evil] },
      { name: 'vmtest-evil', nics: [{ network: evil }] }, { name: 'vmtest-evil', disks: [{ pool: 'default-pool', volume: evil }] },
      { name: 'vmtest-evil', cpu: { mode: 'custom', model: evil } },
    ]) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const names = (await app.hosts.get('local').requireConnection().listDomains()).map((d) => d.name);
    expect(names.filter((n) => n.startsWith('vmtest-evil'))).toEqual([]);
  });

  it('refuses a bad name, host paths and unknown fields with 400, and a taken name with 409', async () => {
    for (const payload of [
      { name: '../etc' }, { name: 'a b' }, { name: 'x', emulator: '/bin/sh' },
      { name: 'x', disks: [{ path: '/etc/shadow' }] }, { name: 'x', tags: ['<b>'] }, { name: 'x', vcpus: 0 },
    ]) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const taken = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload: { name: 'test' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('CONFLICT');
  });

  it('refuses more vCPUs or memory than the host has', async () => {
    const cpus = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload: { name: 'vmtest-big', vcpus: 512 } });
    expect(cpus.statusCode).toBe(400);
    const mem = await app.inject({ method: 'POST', url: '/api/v1/vms', headers: admin, payload: { name: 'vmtest-big', memoryMiB: 4 * 1024 * 1024 } });
    expect(mem.statusCode).toBe(400);
  });
});
