// One object's bucket while it is still in memory, and the arithmetic of merging buckets.
//
// An accumulator keeps, per column, the sum of the values, how many there were, and the max —
// in the metric's own units. Averages are only ever formed at the end (sum ÷ count), so
// merging finer buckets into a coarser one (sum of sums, count of counts, max of maxima) is
// exactly the average of averages weighted by sample count, with no rounding on the way. A
// row read back from SQLite (scaled integers, tiers.ts) converts back the same way.
import { COLUMNS, NCOLS, type ObjectKind } from './tiers.ts';

export interface Acc {
  kind: ObjectKind;
  ref: string;
  n: number;
  nMem: number;
  cnt: number[];
  sum: number[];
  max: number[];
}

// Plain arrays, not Float64Arrays: 1,000 VMs make thousands of these every 10 s, and a typed
// array over 64 bytes gets a malloc'd backing store the garbage collector must finalise.
const filled = (v: number): number[] => Array.from({ length: NCOLS }, () => v);
export const newAcc = (kind: ObjectKind, ref: string): Acc => ({ kind, ref, n: 0, nMem: 0, cnt: filled(0), sum: filled(0), max: filled(-Infinity) });

/** An accumulator made empty for another object or bucket, as newAcc would make it (reuse: history-store.ts). */
export function resetAcc(acc: Acc, kind: ObjectKind, ref: string): Acc {
  acc.kind = kind;
  acc.ref = ref;
  acc.n = 0;
  acc.nMem = 0;
  acc.cnt.fill(0);
  acc.sum.fill(0);
  acc.max.fill(-Infinity);
  return acc;
}

/** One sample; NaN values (not applicable, not reported) are skipped. */
export function addSample(acc: Acc, values: Float64Array, hasMemory: boolean): void {
  acc.n++;
  if (hasMemory) acc.nMem++;
  for (let i = 0; i < NCOLS; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    acc.cnt[i]!++;
    acc.sum[i]! += v;
    if (v > acc.max[i]!) acc.max[i] = v;
  }
}

export function merge(into: Acc, from: Acc): void {
  into.n += from.n;
  into.nMem += from.nMem;
  for (let i = 0; i < NCOLS; i++) {
    if (!from.cnt[i]) continue;
    into.cnt[i]! += from.cnt[i]!;
    into.sum[i]! += from.sum[i]!;
    if (from.max[i]! > into.max[i]!) into.max[i] = from.max[i]!;
  }
}

/** A stored row's columns, in COLUMNS order: `<col>_avg`, `<col>_max` (scaled integers, or null). */
export type StoredRow = { n: number; n_mem: number } & Record<string, number | null>;

/** A stored row as an accumulator: its average stands for `weight` samples of that value. */
export function accFromRow(kind: ObjectKind, ref: string, row: StoredRow): Acc {
  const acc = newAcc(kind, ref);
  acc.n = row.n;
  acc.nMem = row.n_mem;
  COLUMNS.forEach((c, i) => {
    const avg = row[`${c.col}_avg`];
    const max = row[`${c.col}_max`];
    const w = c.memory ? row.n_mem : row.n;
    if (avg === null || avg === undefined || !w) return;
    acc.cnt[i] = w;
    acc.sum[i] = (avg / c.scale) * w;
    acc.max[i] = max === null || max === undefined ? avg / c.scale : max / c.scale;
  });
  return acc;
}

/** Writes avg and max of each column, scaled, into `out` from `offset` (null where no value). */
export function toRowValues(acc: Acc, out: (number | null)[], offset: number): void {
  COLUMNS.forEach((c, i) => {
    const k = acc.cnt[i]!;
    out[offset + 2 * i] = k ? Math.round((acc.sum[i]! / k) * c.scale) : null;
    out[offset + 2 * i + 1] = k ? Math.round(acc.max[i]! * c.scale) : null;
  });
}

/** Average and max per column in the metric's units, rounded to its scale (null: no value). */
export function toStats(acc: Acc): { avg: (number | null)[]; max: (number | null)[] } {
  return {
    avg: COLUMNS.map((c, i) => (acc.cnt[i] ? Math.round((acc.sum[i]! / acc.cnt[i]!) * c.scale) / c.scale : null)),
    max: COLUMNS.map((c, i) => (acc.cnt[i] ? Math.round(acc.max[i]! * c.scale) / c.scale : null)),
  };
}
