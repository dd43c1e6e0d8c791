// Metrics history in SQLite, RRD-style (tiers.ts: the tiers and the bucket columns;
// bucket-acc.ts: the in-memory buckets and how they merge).
//
// Every tier's open buckets live in memory. A sample is added to its 10 s bucket; when a
// bucket of tier k closes it is written (one INSERT per object) and merged into the tier k+1
// bucket that contains it — sum of sums, count of counts, max of maxima: the coarse average is
// the fine averages weighted by their sample counts, computed without SQL aggregation and
// without rounding on the way. So the steady-state SQL is appends: ~1,000 rows per 10 s for
// 1,000 VMs, and as many per 5 min, 30 min, 2 h and day for the coarser tiers.
//
// `flush(now)` runs once per sampler tick, in ONE transaction, and writes at most a row budget
// (`rowsPerTick`, more when a backlog builds up): closed buckets oldest first, finer tiers
// before coarser (a coarse bucket is complete only once no finer bucket inside it is left in
// memory). A 10 s bucket of 1,000 VMs is thus written over the next few 2 s ticks, and the day
// boundary, where every tier closes, over the next half minute — never one long stall of the
// event loop. Until written, a bucket is served from memory. Then each tier is pruned past its
// `keep` buckets. `rowsPerTick: Infinity` writes everything closed at once (tests, shutdown).
//
// The table is clustered by time (tier, bucket, object): appends, prunes (the front of a tier)
// and reads of a bucket are contiguous. One object's series is a key lookup per bucket.
//
// Restart: the coarser tiers' open buckets are rebuilt from the finer tier's rows written
// since that tier's last stored bucket (buckets that closed while Ferry was down are written on
// the next ticks); only the open 10 s bucket is lost.
//
// Read path: a range reads its tier's stored buckets plus, for the span not stored yet, what the
// finer tiers still hold in memory; the bucket still filling is marked partial. Objects (a VM,
// a host) get a small integer id in metrics_objects, so rows do not repeat a 36-byte UUID; an
// object not written for longer than the coarsest tier keeps is removed.
import type { MetricsRange } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { COLUMNS, TIERS, bucketOf, tierOf, type ObjectKind } from './tiers.ts';
import { accFromRow, addSample, merge, newAcc, resetAcc, toRowValues, toStats, type Acc, type StoredRow } from './bucket-acc.ts';

/** A bucket as read back: per column, average and maximum in the metric's units (null: no value). */
export interface BucketPoint { bucket: number; n: number; partial: boolean; avg: (number | null)[]; max: (number | null)[] }

export interface HistoryOptions {
  /** Rows a flush writes at least (default 250); a backlog raises it (see flush). */
  rowsPerTick?: number;
}

const VALUE_COLS = COLUMNS.flatMap((c) => [`${c.col}_avg`, `${c.col}_max`]);
const ALL_COLS = ['tier', 'bucket', 'obj', 'n', 'n_mem', ...VALUE_COLS];
const AGG_COLS = COLUMNS.map((c) => {
  const w = c.memory ? 'n_mem' : 'n';
  return `CAST(round(sum(${c.col}_avg * ${w}) * 1.0 / nullif(sum(${w}), 0)) AS INTEGER) AS ${c.col}_avg, max(${c.col}_max) AS ${c.col}_max`;
}).join(', ');
const DAY_S = 86_400;
const ROW_PARAMS = `(${ALL_COLS.map(() => '?').join(', ')})`;
const BATCH = 40;

type Buckets = Map<number, Map<string, Acc>>;
const keyOf = (kind: ObjectKind, ref: string): string => (kind === 'vm' ? ref : `host:${ref}`);

export class MetricsHistory {
  /** Per tier: bucket start (s) → object key → accumulator; everything not written yet. */
  private readonly mem: Buckets[] = TIERS.map(() => new Map());
  /** Tier-0 buckets before this are written: a sample for one of them came too late. */
  private writtenTo0: number;
  private readonly objIds = new Map<string, { id: number; seenDay: number }>();
  /** The tiers the last flush wrote to (benchmarks and logs). */
  lastWritten: number[] = [];
  private droppedTo = -Infinity;
  /**
   * Accumulators written out, for the next buckets: 1,000 VMs open 1,000 new 10 s buckets
   * every 10 s (and as many per coarser step), ~1 MB of short-lived objects each time if new.
   */
  private readonly spare: Acc[] = [];
  private readonly rowsPerTick: number;
  private readonly stmt;

  constructor(private readonly db: Db, opts: HistoryOptions = {}) {
    this.rowsPerTick = opts.rowsPerTick ?? 250;
    this.stmt = {
      insert: db.prepare(`INSERT OR REPLACE INTO metrics (${ALL_COLS.join(', ')}) VALUES ${ROW_PARAMS}`),
      // BATCH rows per statement: a third less time than one statement per row (1,000 VMs).
      insertBatch: db.prepare(`INSERT OR REPLACE INTO metrics (${ALL_COLS.join(', ')}) VALUES ${Array.from({ length: BATCH }, () => ROW_PARAMS).join(', ')}`),
      prune: db.prepare('DELETE FROM metrics WHERE tier = ? AND bucket < ?'),
      addObj: db.prepare('INSERT OR IGNORE INTO metrics_objects (kind, ref, last_seen) VALUES (?, ?, ?)'),
      findObj: db.prepare('SELECT id FROM metrics_objects WHERE kind = ? AND ref = ?').pluck(),
      seen: db.prepare('UPDATE metrics_objects SET last_seen = ? WHERE id = ?'),
      dropObjects: db.prepare('DELETE FROM metrics_objects WHERE last_seen < ?'),
      lastBucket: db.prepare('SELECT max(bucket) FROM metrics WHERE tier = ?').pluck(),
      // One key lookup per bucket of [lo, hi): a key range would read every object's rows.
      range: db.prepare(`WITH RECURSIVE b(x) AS (SELECT @lo UNION ALL SELECT x + @step FROM b WHERE x + @step < @hi)
        SELECT bucket, ${['n', 'n_mem', ...VALUE_COLS].join(', ')} FROM metrics JOIN b ON tier = @tier AND bucket = b.x AND obj = @obj`),
      rebuild: db.prepare(`SELECT bucket - bucket % @step AS b, kind, ref, sum(n) AS n, sum(n_mem) AS n_mem, ${AGG_COLS}
        FROM metrics JOIN metrics_objects o ON o.id = obj WHERE tier = @finer AND bucket >= @from GROUP BY b, obj`),
    };
    // Where each tier's stored buckets end (-Infinity: none stored yet).
    const storedTo = TIERS.map((tier, k) => {
      const last = this.stmt.lastBucket.get(k) as number | null;
      return last === null ? -Infinity : last + tier.stepS;
    });
    this.writtenTo0 = storedTo[0]!;
    for (let k = 1; k < TIERS.length; k++) this.rebuild(k, storedTo[k]!);
  }

  /** Adds one sample of an object (values per COLUMNS, NaN where absent). */
  add(kind: ObjectKind, ref: string, atMs: number, values: Float64Array, hasMemory: boolean): void {
    const b = bucketOf(0, atMs / 1000);
    if (b < this.writtenTo0) return; // its bucket is written already (a round that answered very late)
    addSample(this.accFor(0, b, kind, ref), values, hasMemory);
  }

  /** Writes what has closed by `nowMs`, within the row budget (see the header); one transaction. Returns rows written. */
  flush(nowMs: number, opts: { all?: boolean } = {}): number {
    const nowS = nowMs / 1000;
    this.lastWritten = [];
    return this.db.transaction(() => {
      this.writtenTo0 = Math.max(this.writtenTo0, bucketOf(0, nowS));
      let closed = this.closedBuckets(nowS);
      const pending = closed.reduce((sum, [k, b]) => sum + this.mem[k]!.get(b)!.size, 0);
      // A backlog (a long interval, a restart's catch-up) is worked off an eighth per tick.
      let budget = opts.all ? Infinity : Math.max(this.rowsPerTick, Math.ceil(pending / 8));
      let rows = 0;
      // Writing a finer bucket can complete a coarser one: look again while budget remains.
      while (closed.length > 0 && budget > 0) {
        for (const [k, b] of closed) {
          const n = this.write(k, b, nowS, budget);
          rows += n;
          budget -= n;
          if (budget <= 0) break;
        }
        closed = this.closedBuckets(nowS);
      }
      for (let k = 0; k < TIERS.length; k++) this.stmt.prune.run(k, bucketOf(k, nowS) - TIERS[k]!.keep * TIERS[k]!.stepS);
      this.dropStaleObjects(nowS);
      return rows;
    })();
  }

  /** Whether any history exists for the object. */
  has(kind: ObjectKind, ref: string): boolean {
    const key = keyOf(kind, ref);
    return this.stmt.findObj.get(kind, ref) !== undefined || this.mem.some((m) => [...m.values()].some((objs) => objs.has(key)));
  }

  /** The range's buckets, oldest first; the newest may be partial. */
  series(kind: ObjectKind, ref: string, range: MetricsRange, nowMs: number): { stepS: number; fromS: number; points: BucketPoint[] } {
    const t = tierOf(range);
    const { stepS, keep } = TIERS[t]!;
    const openStart = bucketOf(t, nowMs / 1000);
    const fromS = openStart - keep * stepS;
    const points = new Map<number, Acc>();
    const at = (b: number): Acc => {
      let a = points.get(b);
      if (!a) points.set(b, (a = newAcc(kind, ref)));
      return a;
    };
    const obj = this.stmt.findObj.get(kind, ref) as number | undefined;
    if (obj !== undefined) {
      for (const row of this.stmt.range.all({ tier: t, lo: fromS, hi: openStart + stepS, step: stepS, obj }) as (StoredRow & { bucket: number })[]) {
        merge(at(row.bucket), accFromRow(kind, ref, row));
      }
    }
    // Not stored at tier t yet: tier t's own buckets in memory, and what finer tiers have not
    // merged upwards (a bucket merges into the next tier only when it is written).
    const key = keyOf(kind, ref);
    for (let j = t; j >= 0; j--) {
      for (const [b, objs] of this.mem[j]!) {
        const acc = objs.get(key);
        const tb = bucketOf(t, b);
        if (acc && tb >= fromS) merge(at(tb), acc);
      }
    }
    return {
      stepS, fromS,
      points: [...points].sort((a, b) => a[0] - b[0]).map(([bucket, acc]) => ({ bucket, n: acc.n, partial: bucket >= openStart, ...toStats(acc) })),
    };
  }

  private accFor(k: number, b: number, kind: ObjectKind, ref: string): Acc {
    let objs = this.mem[k]!.get(b);
    if (!objs) this.mem[k]!.set(b, (objs = new Map()));
    const key = keyOf(kind, ref);
    let acc = objs.get(key);
    if (!acc) {
      const reused = this.spare.pop();
      objs.set(key, (acc = reused ? resetAcc(reused, kind, ref) : newAcc(kind, ref)));
    }
    return acc;
  }

  private sortedBuckets(k: number): number[] {
    return [...this.mem[k]!.keys()].sort((a, b) => a - b);
  }

  /** Every complete bucket still in memory, finer tiers first, oldest first. */
  private closedBuckets(nowS: number): [number, number][] {
    const out: [number, number][] = [];
    for (let k = 0; k < TIERS.length; k++) for (const b of this.sortedBuckets(k)) if (this.complete(k, b, nowS)) out.push([k, b]);
    return out;
  }

  /** Tier k's bucket b has all its data: its end has passed, and no finer bucket inside it is left in memory. */
  private complete(k: number, b: number, nowS: number): boolean {
    const end = b + TIERS[k]!.stepS;
    if (bucketOf(k, nowS) < end) return false;
    if (k > 0) for (const fb of this.mem[k - 1]!.keys()) if (fb < end) return false;
    return true;
  }

  /**
   * Writes up to `max` objects of tier k's bucket b, each merged into the next tier as it goes
   * (and so removed from memory: a reader never sees it twice). Returns the rows written.
   */
  private write(k: number, b: number, nowS: number, max: number): number {
    const objs = this.mem[k]!.get(b)!;
    if (!this.lastWritten.includes(k)) this.lastWritten.push(k);
    const W = ALL_COLS.length;
    const batch: (number | null)[] = new Array(W * BATCH);
    let inBatch = 0;
    let rows = 0;
    const next = k + 1 < TIERS.length ? bucketOf(k + 1, b) : null;
    for (const [key, acc] of objs) {
      if (rows >= max) break;
      const o = inBatch * W;
      batch[o] = k; batch[o + 1] = b; batch[o + 2] = this.objectId(acc.kind, acc.ref, nowS); batch[o + 3] = acc.n; batch[o + 4] = acc.nMem;
      toRowValues(acc, batch, o + 5);
      if (++inBatch === BATCH) { this.stmt.insertBatch.run(batch); inBatch = 0; }
      if (next !== null) merge(this.accFor(k + 1, next, acc.kind, acc.ref), acc);
      objs.delete(key); // deleting the current entry while iterating a Map is safe
      if (this.spare.length < this.objIds.size) this.spare.push(acc); // nothing else holds it (merged upwards, written); at most one per object
      rows++;
    }
    for (let i = 0; i < inBatch; i++) this.stmt.insert.run(batch.slice(i * W, (i + 1) * W));
    if (objs.size === 0) this.mem[k]!.delete(b);
    return rows;
  }

  /** The object's id; its last_seen (a day) is updated at most once a day. */
  private objectId(kind: ObjectKind, ref: string, nowS: number): number {
    const key = keyOf(kind, ref);
    const day = Math.floor(nowS / DAY_S) * DAY_S;
    const known = this.objIds.get(key);
    if (known) {
      if (known.seenDay !== day) { this.stmt.seen.run(day, known.id); known.seenDay = day; }
      return known.id;
    }
    this.stmt.addObj.run(kind, ref, day);
    const id = this.stmt.findObj.get(kind, ref) as number;
    this.stmt.seen.run(day, id);
    this.objIds.set(key, { id, seenDay: day });
    return id;
  }

  /** Once a day: objects last written before the coarsest tier's horizon have no rows left. */
  private dropStaleObjects(nowS: number): void {
    const coarsest = TIERS.length - 1;
    const cutoff = bucketOf(coarsest, nowS) - TIERS[coarsest]!.keep * TIERS[coarsest]!.stepS;
    if (cutoff <= this.droppedTo) return;
    this.droppedTo = cutoff;
    if (this.stmt.dropObjects.run(cutoff).changes > 0) this.objIds.clear();
  }

  /** Tier k's buckets from `from` on, rebuilt from the finer tier's stored rows (start-up). */
  private rebuild(k: number, from: number): void {
    const rows = this.stmt.rebuild.all({ step: TIERS[k]!.stepS, finer: k - 1, from }) as (StoredRow & { b: number; kind: ObjectKind; ref: string })[];
    for (const row of rows) merge(this.accFor(k, row.b, row.kind, row.ref), accFromRow(row.kind, row.ref, row));
  }
}
