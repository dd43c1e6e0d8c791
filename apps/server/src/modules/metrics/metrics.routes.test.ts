// Metrics routes on test:///default (its running domain 'test'), the sampler driven by hand:
// history ranges, top consumers, the Prometheus endpoint's token rule, and live stats reaching
// an events WebSocket client.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config.ts';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor } from '../../test-support/auth-helpers.ts';
import { EventSocket, listen } from '../../test-support/event-socket.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let testUuid: string;
const OTHER_VM = '00000000-0000-4000-8000-0000000000ff';

/** Two sampler rounds a little apart: the second one yields rates. */
async function sampleTwice(): Promise<void> {
  await app.metrics.sampler.tick();
  await new Promise((r) => setTimeout(r, 20));
  await app.metrics.sampler.tick();
}

beforeAll(async () => {
  // A long interval keeps the sampler's own timer out of the way of the rounds driven here.
  app = await buildTestApp({ stats: { intervalS: 10 } });
  admin = await tokenFor(app, 'metrics-admin', 'Administrator');
  testUuid = (await app.hosts.get('local').requireConnection().lookupDomainByName('test')).uuid;
  await sampleTwice();
});
afterAll(() => app.close());

describe('GET /vms/:vmId/metrics', () => {
  it('answers the hour from 10 s buckets, the newest one still filling', async () => {
    const r = await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics?range=hour`, headers: admin });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ vmId: testUuid, range: 'hour', stepS: 10 });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBeGreaterThanOrEqual(3600_000);
    const last = body.points.at(-1);
    expect(last).toMatchObject({ partial: true, cpuPct: { avg: 0, max: 0 }, diskReadBps: { avg: 0, max: 0 } });
    expect(last.samples).toBeGreaterThanOrEqual(1);
    expect(last.memUsedMiB).toBeNull(); // the test driver reports no guest memory
  });

  it('picks the tier of each range, and defaults to the hour', async () => {
    for (const [range, stepS] of [['day', 300], ['week', 1800], ['month', 7200], ['year', 86400]] as const) {
      const r = await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics?range=${range}`, headers: admin });
      expect(r.json()).toMatchObject({ range, stepS });
      expect(r.json().points.length).toBeGreaterThanOrEqual(1);
    }
    expect((await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics`, headers: admin })).json().range).toBe('hour');
  });

  it('answers 404 for a VM that neither exists nor has history, 400 for a bad range or id', async () => {
    expect((await app.inject({ method: 'GET', url: `/api/v1/vms/${OTHER_VM}/metrics`, headers: admin })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics?range=decade`, headers: admin })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/vms/nope/metrics', headers: admin })).statusCode).toBe(400);
  });

  it('needs sys.read on the VM', async () => {
    await createUser(app, { username: 'metrics-other-vm', grants: [{ path: `/vms/${OTHER_VM}`, role: 'Auditor' }] });
    const r = await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics`, headers: await tokenFor(app, 'metrics-other-vm') });
    expect(r.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/v1/vms/${testUuid}/metrics` })).statusCode).toBe(401);
  });
});

describe('GET /hosts/:hostId/metrics', () => {
  it('has the host\'s CPU and memory (node info + free memory on the test driver)', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/hosts/local/metrics?range=day', headers: admin });
    expect(r.statusCode).toBe(200);
    const p = r.json().points.at(-1);
    expect(r.json()).toMatchObject({ hostId: 'local', stepS: 300 });
    expect(p.memTotalMiB.avg).toBe(3072); // the test driver's 3 GiB
    expect(p.memUsedMiB.avg).toBeGreaterThanOrEqual(0);
    expect(p.cpuPct).toEqual({ avg: 0, max: 0 });
  });

  it('answers 404 for an unknown host', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts/nowhere/metrics', headers: admin })).statusCode).toBe(404);
  });
});

describe('GET /hosts/:hostId/top', () => {
  it('lists the host\'s VMs from its latest sample, heaviest first', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/hosts/local/top?by=disk&limit=5', headers: admin });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ hostId: 'local', by: 'disk' });
    expect(Date.parse(body.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.items.find((i: { name: string }) => i.name === 'test')).toMatchObject({ vmId: testUuid, value: 0, sample: { vmId: testUuid } });
    expect(body.items.length).toBeLessThanOrEqual(5);
  });

  it('is for those who may read the host, and checks its query', async () => {
    await createUser(app, { username: 'metrics-vm-only', grants: [{ path: `/vms/${testUuid}`, role: 'Auditor' }] });
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts/local/top', headers: await tokenFor(app, 'metrics-vm-only') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts/local/top?by=colour', headers: admin })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/hosts/local/top?limit=1000', headers: admin })).statusCode).toBe(400);
  });
});

describe('GET /metrics (Prometheus)', () => {
  it('refuses a request without a token with 401, before saying anything', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.json().error.code).toBe('UNAUTHENTICATED');
    expect(r.body).not.toContain('ferry_');
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer ferry_not-a-token' } })).statusCode).toBe(401);
  });

  it('does not take a session cookie', async () => {
    await createUser(app, { username: 'metrics-browser', role: 'Administrator' });
    const s = await loginAs(app, 'metrics-browser');
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: s.headers })).statusCode).toBe(401);
  });

  it('answers 403 to a token without sys.read on /', async () => {
    await createUser(app, { username: 'metrics-host-reader', grants: [{ path: '/hosts/local', role: 'Auditor' }] });
    const r = await app.inject({ method: 'GET', url: '/metrics', headers: await tokenFor(app, 'metrics-host-reader') });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('FORBIDDEN');
  });

  it('exposes the latest sample in the text format to an Auditor\'s token', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics', headers: await tokenFor(app, 'metrics-auditor', 'Auditor') });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.body).toContain(`ferry_vm_cpu_percent{vm_id="${testUuid}",vm_name="test",host_id="local"} 0\n`);
    expect(r.body).toContain('ferry_host_up{host_id="local",host_name="local"} 1\n');
    expect(r.body).toMatch(/^ferry_host_memory_total_bytes\{host_id="local",host_name="local"\} 3221225472$/m);
  });
});

describe('live stats', () => {
  it('reach an events WebSocket client subscribed to stats', async () => {
    const spy = vi.spyOn(app.events, 'publishStats');
    const base = await listen(app);
    const s = await EventSocket.open(base, { headers: admin });
    try {
      await s.waitFor((m) => m.type === 'hello');
      s.ws.send(JSON.stringify({ type: 'subscribe', topics: ['stats'] }));
      await new Promise((r) => setTimeout(r, 50));
      await sampleTwice();
      const msg = await s.waitFor((m) => m.type === 'stats');
      expect(msg).toMatchObject({ type: 'stats', hostId: 'local', host: { memTotalMiB: 3072 } });
      expect((msg.vms as { vmId: string }[]).map((v) => v.vmId)).toContain(testUuid);
      expect(spy).toHaveBeenCalled();
    } finally {
      s.ws.close();
      spy.mockRestore();
    }
  });
});

describe('configuration', () => {
  it('reads FERRY_STATS_INTERVAL_S (default 2 s) and refuses values the history cannot hold', () => {
    expect(loadConfig({}).stats.intervalS).toBe(2);
    expect(loadConfig({ FERRY_STATS_INTERVAL_S: '5' }).stats.intervalS).toBe(5);
    expect(() => loadConfig({ FERRY_STATS_INTERVAL_S: '60' })).toThrow(/FERRY_STATS_INTERVAL_S/);
    expect(() => loadConfig({ FERRY_STATS_INTERVAL_S: '0' })).toThrow(/FERRY_STATS_INTERVAL_S/);
  });
});
