// Migration routes on libvirt's test:///default driver: validation, permissions and the
// pre-flight's refusals. A second host on test:///default is the same in-process driver — the
// same host UUID and the same VMs — so it is exactly the target libvirt would refuse; a host
// whose socket does not exist is a disconnected one. Real migrations: migration.lab.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let vmId: string;
const url = (rest = '') => `/api/v1/vms/${vmId}/migrate${rest}`;
type Check = { id: string; status: string; reason: string };

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'mig-admin', 'Administrator');
  const conn = app.hosts.get('local').requireConnection();
  const ref = await conn.defineDomain(`<domain type='test'><name>migtest</name><memory unit='MiB'>128</memory><os><type>hvm</type></os></domain>`);
  vmId = ref.uuid;
  await conn.domain(vmId).start();
  app.hosts.create({ id: 'twin', name: 'twin', uri: 'test:///default' });
  app.hosts.create({ id: 'gone', name: 'gone', uri: 'qemu+unix:///system?socket=/nonexistent/ferry-test.sock' });
  await app.hosts.get('twin').waitConnected(10_000);
});
afterAll(async () => { await app.close(); });

const taskCount = async () => ((await app.inject({ method: 'GET', url: '/api/v1/tasks?type=vm.migrate', headers: admin })).json() as { items: unknown[] }).items.length;

describe('POST /vms/:vmId/migrate input', () => {
  it('answers 400 BAD_REQUEST for a malformed body, and starts nothing', async () => {
    const before = await taskCount();
    for (const payload of [{}, { targetHostId: 'twin', storage: 'nfs' }, { targetHostId: 'twin', bandwidthMiBps: 0 }, { targetHostId: 'twin', maxDowntimeMs: -1 },
      { targetHostId: 'twin', timeoutS: 1.5 }, { targetHostId: 'twin', live: 'yes' }, { targetHostId: 'twin', extra: true }, { targetHostId: 'Not A Host!' }]) {
      const r = await app.inject({ method: 'POST', url: url(), headers: admin, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.code).toBe('BAD_REQUEST');
    }
    expect(await taskCount()).toBe(before);
  });

  it('answers 404 for an unknown target host, 503 for a VM no connected host has', async () => {
    const noVm = await app.inject({ method: 'POST', url: '/api/v1/vms/00000000-0000-4000-8000-000000000000/migrate', headers: admin, payload: { targetHostId: 'twin' } });
    // With host 'gone' down, Ferry cannot say the VM does not exist: it might be there.
    expect(noVm.statusCode, noVm.body).toBe(503);
    expect(noVm.json().error.code).toBe('HYPERVISOR_UNAVAILABLE');
    const noHost = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { targetHostId: 'nowhere' } });
    expect(noHost.statusCode).toBe(404);
    const preNoHost = await app.inject({ method: 'GET', url: url('/preflight?targetHostId=nowhere'), headers: admin });
    expect(preNoHost.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: url('/preflight'), headers: admin })).statusCode).toBe(400);
  });
});

describe('permissions', () => {
  it('lets an Operator check and refuses an Auditor both routes with 403', async () => {
    const operator = await tokenFor(app, 'mig-operator', 'Operator');
    const auditor = await tokenFor(app, 'mig-auditor', 'Auditor');
    expect((await app.inject({ method: 'GET', url: url('/preflight?targetHostId=twin'), headers: operator })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: url('/preflight?targetHostId=twin'), headers: auditor })).statusCode).toBe(403);
    const r = await app.inject({ method: 'POST', url: url(), headers: auditor, payload: { targetHostId: 'twin' } });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'POST', url: url(), headers: {}, payload: { targetHostId: 'twin' } })).statusCode).toBe(401);
  });
});

describe('pre-flight', () => {
  it('fails a disconnected target with the reason, and checks nothing else', async () => {
    const r = await app.inject({ method: 'GET', url: url('/preflight?targetHostId=gone'), headers: admin });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { ok: boolean; checks: Check[] };
    expect(body.ok).toBe(false);
    expect(body.checks).toEqual([{ id: 'target-connected', status: 'fail', reason: expect.stringMatching(/^host gone is (disconnected|connecting)/) }]);
  });

  it('fails a target that is the same libvirt host: the VM is already there', async () => {
    const body = (await app.inject({ method: 'GET', url: url('/preflight?targetHostId=twin'), headers: admin })).json() as { ok: boolean; checks: Check[] };
    expect(body.ok).toBe(false);
    const byId = Object.fromEntries(body.checks.map((c) => [c.id, c]));
    expect(byId['target-connected']?.status).toBe('pass');
    // The test driver reports no host UUID at all: not knowing is a warning, not a pass.
    expect(byId['not-same-host']).toMatchObject({ status: 'warn', reason: expect.stringContaining('host UUID') });
    expect(byId['name-uuid']).toMatchObject({ status: 'fail', reason: expect.stringContaining(vmId) });
    for (const c of body.checks) expect(['pass', 'warn', 'fail']).toContain(c.status);
  });

  it('turns a failed check into 409 PREFLIGHT_FAILED with the checks, before any task or change', async () => {
    const before = await taskCount();
    const r = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { targetHostId: 'gone', storage: 'copy' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'PREFLIGHT_FAILED', details: { checks: [expect.objectContaining({ id: 'target-connected', status: 'fail' })] } });
    const twin = await app.inject({ method: 'POST', url: url(), headers: admin, payload: { targetHostId: 'twin' } });
    expect(twin.statusCode).toBe(409);
    expect(twin.json().error.code).toBe('PREFLIGHT_FAILED');
    expect(await taskCount()).toBe(before);
    const vm = (await app.inject({ method: 'GET', url: `/api/v1/vms/${vmId}`, headers: admin })).json() as { state: string; hostId: string };
    expect(vm).toMatchObject({ state: 'running', hostId: 'local' });
  });
});
