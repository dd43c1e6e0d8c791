// Live stats and metrics history: starts the stats sampler (modules/metrics/stats-sampler.ts)
// once the app is ready and feeds each host's sample to three places —
//   1. the latest sample per host, kept in memory (top consumers, Prometheus);
//   2. the history store (modules/metrics/history-store.ts), which writes once per tick;
//   3. the events WebSocket, through `app.events.publishStats`, when the events plugin is
//      registered (looked up at ready time, so registration order does not matter and the app
//      works without it).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { StatsMessage } from '@ferry/contract';
import { MetricsHistory } from '../modules/metrics/history-store.ts';
import { StatsSampler, type HostStats } from '../modules/metrics/stats-sampler.ts';
import { NCOLS, hostValues, vmValues } from '../modules/metrics/tiers.ts';

export interface Metrics {
  readonly sampler: StatsSampler;
  readonly history: MetricsHistory;
  /** The host's latest sample, if it has one. */
  latest(hostId: string): HostStats | undefined;
  readonly intervalS: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

interface StatsPublisher { publishStats(msg: StatsMessage): void }

export default fp(async function metrics(app: FastifyInstance) {
  const log = app.log.child({ module: 'metrics' });
  const history = new MetricsHistory(app.db);
  const latest = new Map<string, HostStats>();
  const values = new Float64Array(NCOLS);
  let publisher: StatsPublisher | null = null;

  const sampler = new StatsSampler({
    intervalS: app.config.stats.intervalS,
    hosts: () => app.hosts.list(),
    onTick: (nowMs) => {
      history.flush(nowMs);
      for (const id of latest.keys()) if (!app.hosts.list().some((h) => h.id === id)) latest.delete(id); // a removed host
    },
    sink: (stats) => {
      const { message, atMs } = stats;
      latest.set(message.hostId, stats);
      for (const vm of message.vms) {
        const hasMemory = vmValues(vm, values);
        history.add('vm', vm.vmId, atMs, values, hasMemory);
      }
      if (message.host) {
        const hasMemory = hostValues(message.host, values);
        history.add('host', message.hostId, atMs, values, hasMemory);
      }
      publisher?.publishStats(message);
    },
    log,
  });

  app.decorate('metrics', {
    sampler,
    history,
    latest: (hostId: string) => latest.get(hostId),
    intervalS: app.config.stats.intervalS,
  } satisfies Metrics);

  app.addHook('onReady', async () => {
    if (app.hasDecorator('events')) publisher = (app as unknown as { events: StatsPublisher }).events;
    else log.info('no events plugin: stats go to the history and /metrics only');
    sampler.start();
  });
  // preClose: stop before the hosts plugin closes the connections a round may be using.
  app.addHook('preClose', async () => {
    sampler.stop();
    publisher = null;
  });
  app.addHook('onClose', async () => {
    try {
      history.flush(Date.now(), { all: true }); // whatever has closed and is still in memory
    } catch (err) {
      log.warn({ err }, 'writing the last metrics buckets failed');
    }
  });
}, { name: 'metrics', dependencies: ['hosts'] });
