// Stats from a real guest on qemu:///system: the tiny guest boots under TCG, which keeps a vCPU
// busy and reads its disk, so its sample must show CPU and disk reads; the host's memory comes
// from virNodeGetMemoryStats (the test driver lacks it). The sampler is driven by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Connection } from '@ferry/libvirt';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { tinyDomain, type TinyDomain } from '../../../../../scripts/tinyguest/domain.ts';

let app: FastifyInstance;
let conn: Connection;
let guest: TinyDomain;
let vmId = '';

beforeAll(async () => {
  app = await buildTestApp({ libvirtUri: 'qemu:///system', stats: { intervalS: 10 } });
  conn = app.hosts.get('local').requireConnection();
  guest = await tinyDomain('metrics');
  vmId = (await conn.defineDomain(guest.xml)).uuid;
  await conn.domain(vmId).start();
}, 120_000);

afterAll(async () => {
  if (vmId) {
    await conn.domain(vmId).destroy().catch(() => undefined);
    await conn.domain(vmId).undefine().catch(() => undefined);
  }
  guest?.cleanup();
  await app?.close();
}, 60_000);

describe('stats on qemu:///system', () => {
  it('show a booting guest\'s CPU and disk reads, and the host\'s memory', async () => {
    await app.metrics.sampler.tick();
    await new Promise((r) => setTimeout(r, 2000));
    await app.metrics.sampler.tick();
    const latest = app.metrics.latest('local')!;
    const vm = latest.message.vms.find((v) => v.vmId === vmId);
    expect(vm, 'the running guest is in the sample').toBeDefined();
    expect(vm!.cpuPct).toBeGreaterThan(0);
    expect(vm!.cpuPct).toBeLessThanOrEqual(100); // one vCPU
    expect(vm!.diskReadBps + vm!.diskWriteBps).toBeGreaterThan(0);
    expect(latest.names.get(vmId)).toBe(guest.name);
    const host = latest.message.host!;
    expect(host.memTotalMiB).toBeGreaterThan(host.memUsedMiB);
    expect(host.cpuPct).toBeGreaterThan(0);

    const admin = await tokenFor(app, 'metrics-int', 'Administrator');
    const series = (await app.inject({ method: 'GET', url: `/api/v1/vms/${vmId}/metrics?range=hour`, headers: admin })).json();
    expect(series.points.at(-1).cpuPct.max).toBeGreaterThan(0);
    const prom = await app.inject({ method: 'GET', url: '/metrics', headers: admin });
    expect(prom.body).toMatch(new RegExp(`^ferry_vm_cpu_percent\\{vm_id="${vmId}",vm_name="${guest.name}",host_id="local"\\} [0-9.]+$`, 'm'));
  }, 60_000);

  it('reads the host\'s memory through the binding', async () => {
    const mem = await conn.getNodeMemoryStats();
    expect(mem.total).toBeGreaterThan(mem.free ?? Infinity);
    const cpu = await conn.getNodeCPUStats();
    expect(cpu.idle).toBeGreaterThan(0);
  });
});
