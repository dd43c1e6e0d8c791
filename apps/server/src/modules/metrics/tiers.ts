// The history's tiers and the columns each bucket stores — the data model, no I/O.
//
// Tier k keeps `keep` buckets of `stepS` seconds; every step divides the next one, so a coarse
// bucket is exactly a whole number of finer buckets, and each tier keeps at least one coarse
// step of history (10 s × 1 h ≥ 5 min, 5 min × 1 day ≥ 30 min, …): a coarse bucket can always be
// computed from the finer tier's rows once it has closed.
//
// A bucket row holds, per metric, the average and the maximum over its samples, stored as
// integers (× `scale`: CPU % to a hundredth, IOPS to a hundredth, bytes/s and MiB whole) —
// SQLite stores small integers in 1–4 bytes instead of 8 for a REAL. Samples are counted in
// `n`; memory has its own count `n_mem`, because a guest reports memory only with a balloon
// driver, and an average must be weighted by the samples that actually had the value.
import type { HostSample, MetricsRange, VmSample } from '@ferry/contract';

export interface Tier { range: MetricsRange; stepS: number; keep: number }

// About 300–370 points per range — what a chart a screen wide can show. Finer tiers (1 min for
// the day, 6 h for the year: 6,768 rows per object) measured 1.2 MB per VM at full retention
// (scripts/bench/metrics/history.ts); these hold 1,722 rows, a quarter of that.
export const TIERS: readonly Tier[] = [
  { range: 'hour', stepS: 10, keep: 360 }, // 1 h
  { range: 'day', stepS: 300, keep: 288 }, // 1 day
  { range: 'week', stepS: 1800, keep: 336 }, // 7 days
  { range: 'month', stepS: 7200, keep: 372 }, // 31 days
  { range: 'year', stepS: 86400, keep: 366 }, // 366 days
];

export const tierOf = (range: MetricsRange): number => TIERS.findIndex((t) => t.range === range);

/** Start (s since the epoch) of the bucket of tier `k` that contains `tS`. */
export const bucketOf = (k: number, tS: number): number => Math.floor(tS / TIERS[k]!.stepS) * TIERS[k]!.stepS;

export type ObjectKind = 'vm' | 'host';

export interface Column {
  /** SQL column stem: `<col>_avg`, `<col>_max`. */
  col: string;
  scale: number;
  /** Weighted by n_mem instead of n. */
  memory: boolean;
}

export const COLUMNS = [
  { col: 'cpu', scale: 100, memory: false },
  { col: 'mem_used', scale: 1, memory: true },
  { col: 'mem_avail', scale: 1, memory: true },
  { col: 'mem_total', scale: 1, memory: true },
  { col: 'disk_rd', scale: 1, memory: false },
  { col: 'disk_wr', scale: 1, memory: false },
  { col: 'disk_rd_iops', scale: 100, memory: false },
  { col: 'disk_wr_iops', scale: 100, memory: false },
  { col: 'net_rx', scale: 1, memory: false },
  { col: 'net_tx', scale: 1, memory: false },
] as const satisfies readonly Column[];
export const NCOLS = COLUMNS.length;
const col = (name: (typeof COLUMNS)[number]['col']): number => COLUMNS.findIndex((c) => c.col === name);

/** Which point field each column feeds, per kind (columns a kind lacks stay NULL). */
export const VM_FIELDS = {
  cpuPct: col('cpu'), memUsedMiB: col('mem_used'), memAvailableMiB: col('mem_avail'),
  diskReadBps: col('disk_rd'), diskWriteBps: col('disk_wr'), diskReadIops: col('disk_rd_iops'), diskWriteIops: col('disk_wr_iops'),
  netRxBps: col('net_rx'), netTxBps: col('net_tx'),
} as const;
export const HOST_FIELDS = { cpuPct: col('cpu'), memUsedMiB: col('mem_used'), memTotalMiB: col('mem_total') } as const;

// Pairs listed once: these run for every VM of every sample.
const VM_PAIRS = Object.entries(VM_FIELDS) as [keyof typeof VM_FIELDS, number][];
const HOST_PAIRS = Object.entries(HOST_FIELDS) as [keyof typeof HOST_FIELDS, number][];

/** A sample as one value per column (NaN: not applicable or not reported); returns whether it has memory. */
export function vmValues(s: VmSample, out: Float64Array): boolean {
  out.fill(NaN);
  for (const [field, i] of VM_PAIRS) out[i] = s[field] ?? NaN;
  return s.memUsedMiB !== null;
}

export function hostValues(s: HostSample, out: Float64Array): boolean {
  out.fill(NaN);
  for (const [field, i] of HOST_PAIRS) out[i] = s[field];
  return true;
}
