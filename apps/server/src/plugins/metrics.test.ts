// The metrics plugin on its own: without an events plugin it still samples, keeps the latest
// sample and writes history; with one, it publishes each sample there.
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { StatsMessage } from '@ferry/contract';
import { packDomainStats, type PackedDomainStats } from '@ferry/libvirt';
import { openMemoryDatabase } from '../db/database.ts';
import { testConfig } from '../test-support/build-test-app.ts';
import metrics from './metrics.ts';
import type { StatsSource } from '../modules/metrics/stats-sampler.ts';

const VM = '00000000-0000-4000-8000-00000000000a';

function fakeSource(): StatsSource & { cpuNs: number } {
  return {
    cpuNs: 0,
    async getAllDomainStatsPacked(_stats, _flags, keep): Promise<PackedDomainStats> {
      this.cpuNs += 1e9;
      return packDomainStats([{ uuid: VM, name: 'web', stats: { 'state.state': 1, 'cpu.time': this.cpuNs } }], keep);
    },
    getNodeCPUStats: async () => ({ user: 1, kernel: 1, idle: 1, iowait: 1 }),
    getNodeMemoryStats: async () => ({ total: 2048 * 1024, free: 1024 * 1024 }),
    getNodeInfo: async () => ({ memoryKiB: 0 }),
    getFreeMemory: async () => 0,
  };
}

async function bareApp(withEvents: StatsMessage[] | null): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.decorate('config', testConfig({ stats: { intervalS: 10 } }));
  app.decorate('db', openMemoryDatabase());
  const source = fakeSource();
  // Stand-ins with the names the plugin depends on: only what the sampler and publisher use.
  await app.register(fp(async (a) => { a.decorate('hosts', { list: () => [{ id: 'h1', currentConnection: () => source }] } as unknown as FastifyInstance['hosts']); }, { name: 'hosts' }));
  if (withEvents) await app.register(fp(async (a) => { a.decorate('events', { publishStats: (m: StatsMessage) => withEvents.push(m) } as unknown as FastifyInstance['events']); }, { name: 'events' }));
  await app.register(metrics);
  await app.ready();
  return app;
}

const twoRounds = async (app: FastifyInstance) => {
  await app.metrics.sampler.tick();
  await new Promise((r) => setTimeout(r, 10));
  await app.metrics.sampler.tick();
};

describe('metrics plugin', () => {
  it('works without the events plugin: latest sample and history, nothing published', async () => {
    const app = await bareApp(null);
    try {
      await twoRounds(app);
      const latest = app.metrics.latest('h1');
      expect(latest?.message.vms.map((v) => v.vmId)).toEqual([VM]);
      expect(latest?.names.get(VM)).toBe('web');
      const series = app.metrics.history.series('vm', VM, 'hour', Date.now());
      expect(series.points.at(-1)).toMatchObject({ n: 1, partial: true });
      expect(app.metrics.history.series('host', 'h1', 'hour', Date.now()).points.at(-1)!.avg).toContain(1024);
    } finally {
      await app.close();
    }
  });

  it('publishes every sample to app.events when it exists', async () => {
    const published: StatsMessage[] = [];
    const app = await bareApp(published);
    try {
      await twoRounds(app);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ type: 'stats', hostId: 'h1', host: { memUsedMiB: 1024, memTotalMiB: 2048 } });
    } finally {
      await app.close();
    }
  });
});
