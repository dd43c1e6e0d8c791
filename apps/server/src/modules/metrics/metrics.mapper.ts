// History buckets → the contract's points; latest samples → top consumers. Pure.
import type { HostMetricsPoint, MetricStat, TopBy, TopConsumer, VmMetricsPoint, VmSample } from '@ferry/contract';
import type { BucketPoint } from './history-store.ts';
import { HOST_FIELDS, VM_FIELDS } from './tiers.ts';

const stat = (p: BucketPoint, i: number): MetricStat | null => {
  const avg = p.avg[i], max = p.max[i];
  return avg === null || avg === undefined || max === null || max === undefined ? null : { avg, max };
};
/** A metric every sample has: a missing one (cannot happen for its kind) reads as zero. */
const always = (p: BucketPoint, i: number): MetricStat => stat(p, i) ?? { avg: 0, max: 0 };
const base = (p: BucketPoint) => ({ at: new Date(p.bucket * 1000).toISOString(), samples: p.n, partial: p.partial });

export function toVmPoint(p: BucketPoint): VmMetricsPoint {
  const f = VM_FIELDS;
  return {
    ...base(p),
    cpuPct: always(p, f.cpuPct),
    memUsedMiB: stat(p, f.memUsedMiB),
    memAvailableMiB: stat(p, f.memAvailableMiB),
    diskReadBps: always(p, f.diskReadBps),
    diskWriteBps: always(p, f.diskWriteBps),
    diskReadIops: always(p, f.diskReadIops),
    diskWriteIops: always(p, f.diskWriteIops),
    netRxBps: always(p, f.netRxBps),
    netTxBps: always(p, f.netTxBps),
  };
}

export function toHostPoint(p: BucketPoint): HostMetricsPoint {
  const f = HOST_FIELDS;
  return { ...base(p), cpuPct: always(p, f.cpuPct), memUsedMiB: always(p, f.memUsedMiB), memTotalMiB: always(p, f.memTotalMiB) };
}

const RANK: Record<TopBy, (s: VmSample) => number | null> = {
  cpu: (s) => s.cpuPct,
  memory: (s) => s.memUsedMiB,
  disk: (s) => s.diskReadBps + s.diskWriteBps,
  network: (s) => s.netRxBps + s.netTxBps,
};

/** The `limit` heaviest VMs by `by`, heaviest first; VMs without the value (memory) last. */
export function topConsumers(samples: readonly VmSample[], names: ReadonlyMap<string, string>, by: TopBy, limit: number): TopConsumer[] {
  const value = RANK[by];
  return samples
    .map((sample) => ({ vmId: sample.vmId, name: names.get(sample.vmId) ?? '', value: value(sample), sample }))
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.name.localeCompare(b.name))
    .slice(0, limit);
}
