import type { MetricsRange, TopBy } from '@ferry/contract';

// Query keys of the metrics feature: every cache entry about metrics lives under ['metrics'].
export const metricsKeys = {
  all: ['metrics'] as const,
  vm: (vmId: string, range: MetricsRange) => ['metrics', 'vm', vmId, range] as const,
  host: (hostId: string, range: MetricsRange) => ['metrics', 'host', hostId, range] as const,
  top: (hostId: string, by: TopBy) => ['metrics', 'top', hostId, by] as const,
};

/** How often a range's history is asked for again while shown: about one new bucket. */
export const refetchEvery = (range: MetricsRange): number => ({ hour: 10_000, day: 60_000, week: 300_000, month: 600_000, year: 600_000 })[range];
