// The tiered history with a fake clock: buckets, weighted roll-ups, pruning, restarts.
import { describe, expect, it } from 'vitest';
import type { VmSample } from '@ferry/contract';
import { openMemoryDatabase } from '../../db/database.ts';
import { MetricsHistory } from './history-store.ts';
import { NCOLS, TIERS, VM_FIELDS, vmValues } from './tiers.ts';

const T0 = Date.UTC(2030, 0, 1); // on a boundary of every tier
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

const sample = (cpuPct: number, mem: number | null = null, diskReadBps = 0): VmSample => ({
  vmId: VM, cpuPct, memUsedMiB: mem, memAvailableMiB: mem === null ? null : 1000 - mem,
  diskReadBps, diskWriteBps: 0, diskReadIops: 0, diskWriteIops: 0, netRxBps: 0, netTxBps: 0,
});

const values = new Float64Array(NCOLS);
function add(h: MetricsHistory, atMs: number, s: VmSample, ref = VM): void {
  const hasMem = vmValues(s, values);
  h.add('vm', ref, atMs, values, hasMem);
}

const cpu = (p: { avg: (number | null)[]; max: (number | null)[] }) => ({ avg: p.avg[VM_FIELDS.cpuPct], max: p.max[VM_FIELDS.cpuPct] });
const mem = (p: { avg: (number | null)[]; max: (number | null)[] }) => ({ avg: p.avg[VM_FIELDS.memUsedMiB], max: p.max[VM_FIELDS.memUsedMiB] });
const rows = (db: ReturnType<typeof openMemoryDatabase>, tier: number) =>
  (db.prepare('SELECT count(*) AS n FROM metrics WHERE tier = ?').get(tier) as { n: number }).n;

describe('the finest tier', () => {
  it('averages and maxes the samples of a 10 s bucket, written only once it has closed', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db);
    add(h, T0 + 1 * S, sample(10));
    add(h, T0 + 3 * S, sample(20));
    add(h, T0 + 5 * S, sample(60));
    expect(h.flush(T0 + 9 * S)).toBe(0);
    const live = h.series('vm', VM, 'hour', T0 + 9 * S).points;
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ bucket: T0 / S, n: 3, partial: true });
    expect(cpu(live[0]!)).toEqual({ avg: 30, max: 60 });

    expect(h.flush(T0 + 10 * S)).toBe(1);
    const [p] = h.series('vm', VM, 'hour', T0 + 10 * S).points;
    expect(p).toMatchObject({ n: 3, partial: false });
    expect(cpu(p!)).toEqual({ avg: 30, max: 60 });
    expect(mem(p!)).toEqual({ avg: null, max: null }); // the guest reported no memory
  });

  it('drops a sample whose bucket was already written', () => {
    const h = new MetricsHistory(openMemoryDatabase());
    add(h, T0 + 1 * S, sample(10));
    h.flush(T0 + 12 * S);
    add(h, T0 + 9 * S, sample(90)); // answered after its bucket closed
    h.flush(T0 + 30 * S);
    const points = h.series('vm', VM, 'hour', T0 + 30 * S).points;
    expect(points.map((p) => [p.n, cpu(p).max])).toEqual([[1, 10]]);
  });
});

describe('roll-up', () => {
  it('weights averages by sample count and keeps the max of the maxima', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db, { rowsPerTick: Infinity });
    // One 10 s bucket with one sample at 10 %, another with three at 50 %: the 5 min average
    // is (10 + 3 × 50) / 4 = 40, not the unweighted (10 + 50) / 2 = 30.
    add(h, T0 + 1 * S, sample(10, 100));
    add(h, T0 + 11 * S, sample(50, null));
    add(h, T0 + 13 * S, sample(50, null));
    add(h, T0 + 15 * S, sample(50, 300));
    h.flush(T0 + 20 * S);
    h.flush(T0 + 5 * MIN);
    const [p] = h.series('vm', VM, 'day', T0 + 5 * MIN).points;
    expect(p).toMatchObject({ bucket: T0 / S, n: 4, partial: false });
    expect(cpu(p!)).toEqual({ avg: 40, max: 50 });
    // Memory is weighted by the samples that had it: (100 + 300) / 2, not / 4.
    expect(mem(p!)).toEqual({ avg: 200, max: 300 });
  });

  it('cascades through every tier: a day bucket averages all its samples', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db);
    // A sample every 10 s for a day; CPU steps every 4 h (0, 10, … 50 %), a spike of 99 % once.
    let n = 0, sum = 0;
    for (let t = T0; t < T0 + DAY; t += 10 * S) {
      const c = t === T0 + 16 * HOUR + 10 * S ? 99 : Math.floor((t - T0) / (4 * HOUR)) * 10;
      add(h, t + 500, sample(c, 512));
      n++; sum += c;
      h.flush(t + 10 * S);
    }
    for (let i = 1; i <= 6; i++) h.flush(T0 + DAY + i * 2 * S); // the coarser tiers, one per tick
    const now = T0 + DAY + 20 * S;
    const year = h.series('vm', VM, 'year', now).points.filter((p) => !p.partial);
    expect(year).toHaveLength(1);
    expect(year[0]!.n).toBe(n);
    expect(cpu(year[0]!).max).toBe(99);
    expect(cpu(year[0]!).avg).toBeCloseTo(sum / n, 1);
    expect(mem(year[0]!)).toEqual({ avg: 512, max: 512 });
    // Each tier has the buckets its step gives over a day (tier 0 only its last hour).
    expect(rows(db, 0)).toBeLessThanOrEqual(360);
    expect([1, 2, 3, 4].map((k) => rows(db, k))).toEqual([288, 48, 12, 1]);
    const month = h.series('vm', VM, 'month', now).points.filter((p) => !p.partial);
    // The spike's 2 h: (719 × 40 + 99) / 720 = 40.08, rounded at each tier on the way.
    const expected = [0, 0, 10, 10, 20, 20, 30, 30, 40.08, 40, 50, 50];
    expect(month).toHaveLength(expected.length);
    month.forEach((p, i) => expect(cpu(p).avg).toBeCloseTo(expected[i]!, 1));
    expect(month.map((p) => cpu(p).max)).toEqual([0, 0, 10, 10, 20, 20, 30, 30, 99, 40, 50, 50]);
  });

  it('writes a closed bucket of many objects over a few ticks, serving the rest from memory meanwhile', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db, { rowsPerTick: 250 });
    const vms = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const vm of vms) add(h, T0 + S, sample(7), vm);
    const written: number[] = [];
    for (let i = 0; i < 5; i++) {
      written.push(h.flush(T0 + 10 * S + i * 2 * S));
      // Every VM's bucket is there exactly once, stored or not.
      for (const vm of [vms[0]!, vms[999]!]) expect(h.series('vm', vm, 'hour', T0 + 20 * S).points.map((p) => p.n)).toEqual([1]);
    }
    expect(written).toEqual([250, 250, 250, 250, 0]);
    expect(rows(db, 0)).toBe(1000);
  });

  it('works off a backlog an eighth per tick, finer tiers before coarser', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db);
    for (let t = T0; t < T0 + DAY; t += 10 * S) add(h, t, sample(1)); // a day never flushed
    const tiers: number[] = [];
    for (let i = 0; i < 40 && (i === 0 || h.lastWritten.length > 0); i++) {
      const n = h.flush(T0 + DAY + i * 2 * S);
      expect(n).toBeLessThanOrEqual(Math.max(250, Math.ceil(8640 / 8)));
      tiers.push(...h.lastWritten);
    }
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b)); // never a coarser tier before a finer one
    expect(rows(db, 0)).toBeLessThanOrEqual(360); // the last hour, as the clock moved on
    expect([1, 2, 3, 4].map((k) => rows(db, k))).toEqual([288, 48, 12, 1]);
  });

  it('serves buckets not rolled up yet from the finer tiers', () => {
    const h = new MetricsHistory(openMemoryDatabase());
    for (let t = T0; t < T0 + 25 * MIN; t += 2 * S) { add(h, t, sample(20)); h.flush(t + 2 * S); }
    // 25 minutes in: no 2 h bucket has closed; the month range still shows them, partial.
    const month = h.series('vm', VM, 'month', T0 + 25 * MIN).points;
    expect(month).toHaveLength(1);
    expect(month[0]).toMatchObject({ bucket: T0 / S, n: 750, partial: true });
    expect(cpu(month[0]!)).toEqual({ avg: 20, max: 20 });
  });
});

describe('bounded size', () => {
  it('keeps at most `keep` buckets per tier and object, and forgets objects whose rows aged out', () => {
    const db = openMemoryDatabase();
    const h = new MetricsHistory(db, { rowsPerTick: Infinity });
    const other = '00000000-0000-4000-8000-000000000001';
    // Two days, one sample per 10 s bucket; the second VM only in the first minute.
    for (let t = T0; t < T0 + 2 * DAY; t += 10 * S) {
      add(h, t, sample(5));
      if (t < T0 + MIN) add(h, t, sample(5), other);
      h.flush(t + 10 * S);
    }
    const perObject = db.prepare('SELECT obj, tier, count(*) AS n FROM metrics GROUP BY obj, tier').all() as { tier: number; n: number }[];
    for (const r of perObject) expect(r.n).toBeLessThanOrEqual(TIERS[r.tier]!.keep);
    expect(rows(db, 0)).toBe(360); // only the last hour, and only the first VM's
    expect(rows(db, 1)).toBe(288); // a day of 5 minutes; the other VM's first 5 minutes have aged out
    expect(rows(db, 2)).toBe(2 * 48 + 1); // two days of half hours, and still the other VM's first
    // More than a year later everything has aged out, objects included.
    h.flush(T0 + 370 * 24 * HOUR);
    expect((db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM metrics_objects').get() as { n: number }).n).toBe(0);
  });
});

describe('restart', () => {
  it('completes a coarse bucket from rows written before the restart, and rolls what closed while down', () => {
    const db = openMemoryDatabase();
    const before = new MetricsHistory(db);
    for (let t = T0; t < T0 + 3 * MIN; t += 2 * S) { add(before, t, sample(30)); before.flush(t + 2 * S); }
    // Down from 3 min to 7 min; the 5 min bucket [0, 5) closed meanwhile and was never rolled.
    const after = new MetricsHistory(db, { rowsPerTick: Infinity });
    for (let t = T0 + 7 * MIN; t < T0 + 10 * MIN; t += 2 * S) { add(after, t, sample(90)); after.flush(t + 2 * S); }
    after.flush(T0 + 10 * MIN);
    const day = after.series('vm', VM, 'day', T0 + 10 * MIN).points;
    expect(day.map((p) => [p.bucket - T0 / S, p.n, cpu(p).avg, p.partial])).toEqual([
      [0, 90, 30, false], // 3 min of samples before the restart
      [300, 90, 90, false], // 7–10 min after it
    ]);
  });
});
