// Metrics history and top consumers.
//
// History is kept RRD-style: one tier per range, each a fixed number of buckets of a fixed
// step (10 s buckets for the last hour … one-day buckets for the last year), every bucket
// holding the average and the maximum of each metric over the samples that fell in it. A
// range is answered from its tier; the newest point may be `partial` (its bucket is still
// filling). Live samples (every few seconds) travel on the events WebSocket as `stats`
// messages (events.ts); the Prometheus exposition is at GET /metrics, outside /api/v1.
import { z } from 'zod';
import { HostIdSchema, TimestampSchema, UuidSchema } from './common.ts';
import { defineRoute } from './route.ts';
import { VmSampleSchema } from './events.ts';

export const METRICS_RANGES = ['hour', 'day', 'week', 'month', 'year'] as const;
export const MetricsRangeSchema = z.enum(METRICS_RANGES);
export type MetricsRange = z.infer<typeof MetricsRangeSchema>;

/** Average and maximum of one metric over a bucket. */
export const MetricStatSchema = z.object({ avg: z.number(), max: z.number() });
export type MetricStat = z.infer<typeof MetricStatSchema>;

const PointBase = {
  /** Start of the bucket. */
  at: TimestampSchema,
  /** Samples that fell in the bucket. */
  samples: z.number().int(),
  /** The bucket is still filling (the newest point only). */
  partial: z.boolean(),
};

export const VmMetricsPointSchema = z.object({
  ...PointBase,
  cpuPct: MetricStatSchema,
  /** Null where the guest reported no memory statistics (no balloon driver) in the bucket. */
  memUsedMiB: MetricStatSchema.nullable(),
  memAvailableMiB: MetricStatSchema.nullable(),
  diskReadBps: MetricStatSchema,
  diskWriteBps: MetricStatSchema,
  diskReadIops: MetricStatSchema,
  diskWriteIops: MetricStatSchema,
  netRxBps: MetricStatSchema,
  netTxBps: MetricStatSchema,
}).meta({ id: 'VmMetricsPoint' });
export type VmMetricsPoint = z.infer<typeof VmMetricsPointSchema>;

export const HostMetricsPointSchema = z.object({
  ...PointBase,
  cpuPct: MetricStatSchema,
  memUsedMiB: MetricStatSchema,
  memTotalMiB: MetricStatSchema,
}).meta({ id: 'HostMetricsPoint' });
export type HostMetricsPoint = z.infer<typeof HostMetricsPointSchema>;

const SeriesBase = {
  range: MetricsRangeSchema,
  /** Bucket width of this range's tier. */
  stepS: z.number().int(),
  from: TimestampSchema,
  to: TimestampSchema,
};

export const VmMetricsSchema = z.object({ vmId: UuidSchema, ...SeriesBase, points: z.array(VmMetricsPointSchema) }).meta({ id: 'VmMetrics' });
export type VmMetrics = z.infer<typeof VmMetricsSchema>;
export const HostMetricsSchema = z.object({ hostId: HostIdSchema, ...SeriesBase, points: z.array(HostMetricsPointSchema) }).meta({ id: 'HostMetrics' });
export type HostMetrics = z.infer<typeof HostMetricsSchema>;

export const MetricsQuerySchema = z.strictObject({ range: MetricsRangeSchema.default('hour') });

export const TOP_BY = ['cpu', 'memory', 'disk', 'network'] as const;
export const TopBySchema = z.enum(TOP_BY);
export type TopBy = z.infer<typeof TopBySchema>;

export const TopQuerySchema = z.strictObject({
  by: TopBySchema.default('cpu'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const TopConsumerSchema = z.object({
  vmId: UuidSchema,
  name: z.string(),
  /**
   * What the list is ordered by: cpu → cpuPct, memory → memUsedMiB (null when the guest does
   * not report it; such VMs come last), disk → read + write bytes/s, network → rx + tx bytes/s.
   */
  value: z.number().nullable(),
  sample: VmSampleSchema,
});
export type TopConsumer = z.infer<typeof TopConsumerSchema>;

export const HostTopSchema = z.object({
  hostId: HostIdSchema,
  by: TopBySchema,
  /** When the sample was taken; null before the host's first sample. */
  at: TimestampSchema.nullable(),
  intervalS: z.number(),
  items: z.array(TopConsumerSchema),
}).meta({ id: 'HostTop' });
export type HostTop = z.infer<typeof HostTopSchema>;

/** Prometheus text exposition (outside /api/v1; Bearer token with sys.read on '/'). */
export const PROMETHEUS_PATH = '/metrics';

const VmParams = z.strictObject({ vmId: UuidSchema });
const HostParams = z.strictObject({ hostId: HostIdSchema });

export const metricsRoutes = {
  getVmMetrics: defineRoute({
    method: 'GET', path: '/vms/:vmId/metrics', summary: 'A VM\'s metrics history over a range: average and maximum per bucket', tags: ['metrics'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/vms/:vmId' },
    params: VmParams, query: MetricsQuerySchema,
    responses: { 200: VmMetricsSchema },
  }),
  getHostMetrics: defineRoute({
    method: 'GET', path: '/hosts/:hostId/metrics', summary: 'A host\'s CPU and memory history over a range', tags: ['metrics'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' },
    params: HostParams, query: MetricsQuerySchema,
    responses: { 200: HostMetricsSchema },
  }),
  getHostTop: defineRoute({
    method: 'GET', path: '/hosts/:hostId/top', summary: 'The VMs using the most CPU, memory, disk or network on a host, from its latest sample', tags: ['metrics'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' },
    params: HostParams, query: TopQuerySchema,
    responses: { 200: HostTopSchema },
  }),
};
