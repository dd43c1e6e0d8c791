// Fills the metrics history to its steady state: every tier of every object holds its full
// `keep` buckets, the newest ending where that tier's open bucket begins at `endMs` — the table
// a server has after running a year with these objects, and the size pruning keeps it at.
// Values are random within realistic ranges (as scripts/bench/metrics/history.ts measures).
// A MetricsHistory opened afterwards rebuilds its open coarse buckets from these rows, as it
// does after a restart.
import type { Db } from '../../../apps/server/src/db/database.ts';
import { NCOLS, TIERS, type ObjectKind } from '../../../apps/server/src/modules/metrics/tiers.ts';

const rnd = (max: number) => Math.floor(Math.random() * max);
const DAY_S = 86_400;

/** Returns the rows written. One transaction. */
export function prefillHistory(db: Db, objects: readonly { kind: ObjectKind; ref: string }[], endMs: number): number {
  const endS = Math.floor(endMs / 1000);
  const addObj = db.prepare('INSERT INTO metrics_objects (kind, ref, last_seen) VALUES (?, ?, ?)');
  const ins = db.prepare(`INSERT INTO metrics VALUES (${Array.from({ length: 5 + 2 * NCOLS }, () => '?').join(', ')})`);
  let rows = 0;
  db.transaction(() => {
    const objs = objects.map((o) => ({ ...o, id: Number(addObj.run(o.kind, o.ref, Math.floor(endS / DAY_S) * DAY_S).lastInsertRowid) }));
    for (const [k, tier] of TIERS.entries()) {
      const end = Math.floor(endS / tier.stepS) * tier.stepS;
      const n = Math.min(tier.stepS / 2, 100_000); // samples every 2 s
      for (let b = end - tier.keep * tier.stepS; b < end; b += tier.stepS) {
        for (const o of objs) {
          // vm: cpu, mem used/avail, –, disk rd/wr, iops rd/wr, net rx/tx; host: cpu, mem used, –, mem total
          const v = o.kind === 'host'
            ? [rnd(10_000), rnd(10_000), rnd(20_000), rnd(30_000), null, null, 24_000, 24_000, null, null, null, null, null, null, null, null, null, null, null, null]
            : [rnd(20_000), rnd(20_000), rnd(4000), rnd(4096), rnd(4000), rnd(4096), null, null, rnd(5e6), rnd(5e7), rnd(1e7), rnd(1e8), rnd(20_000), rnd(90_000), rnd(40_000), rnd(90_000), rnd(1e6), rnd(1e7), rnd(1e6), rnd(1e7)];
          ins.run(k, b, o.id, n, n, ...v);
          rows++;
        }
      }
    }
  })();
  return rows;
}
