// Diagnosis: what the metrics history's write path does to this process's memory, without the
// rest of the server. MetricsHistory on a file-backed SQLite (openDatabase: WAL), VMS VMs + 1
// host sampled every 2 s of a fake clock, flush(now) per tick as the sampler does, SIM_MIN
// simulated minutes as fast as they run. Every simulated minute prints VmRSS, RssAnon, the V8
// heap, the DB and WAL sizes and SQLite's page cache setting.
//
// Measured (1,000 VMs, from empty, node --max-semi-space-size=32): with better-sqlite3's
// cache_size -16000, RssAnon grew 84.7 → 97.3 MB from minute 10 to 35 with the V8 heap flat
// (the page cache filling as the table grows), to +19 MB over -2000 once the table passed 16
// MB; with -2000 it stayed at 74.5 MB over the same span. Prefilled to full retention
// (PREFILL=1) both are flat, 18 MB apart.
//
// Run: pnpm exec tsx scripts/bench/metrics/history-memory.ts
// Env: VMS (1000), SIM_MIN (90), CACHE (unset: whatever openDatabase sets; else a cache_size
//      value, e.g. -2000), PREFILL (0: start empty; 1: start from full retention as history.ts fills).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../../apps/server/src/db/database.ts';
import { MetricsHistory } from '../../../apps/server/src/modules/metrics/history-store.ts';
import { NCOLS, hostValues, vmValues } from '../../../apps/server/src/modules/metrics/tiers.ts';
import { envInt } from '../server-requests/harness.ts';
import { prefillHistory } from './prefill.ts';

const VMS = envInt('VMS', 1000);
const SIM_MIN = envInt('SIM_MIN', 90);
const status = () => {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)![1]) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
};
const size = (p: string) => { try { return statSync(p).size / 2 ** 20; } catch { return 0; } };

const dir = mkdtempSync(join(tmpdir(), 'ferry-history-mem-'));
try {
  const db = openDatabase(dir);
  if (process.env.CACHE) db.pragma(`cache_size = ${process.env.CACHE}`);
  const uuids = Array.from({ length: VMS }, () => randomUUID());
  const startS = Date.UTC(2030, 0, 1) / 1000 + 3600 * 7 + 13;
  if (process.env.PREFILL === '1') {
    const t = performance.now();
    const rows = prefillHistory(db, [...uuids.map((u) => ({ kind: 'vm' as const, ref: u })), { kind: 'host' as const, ref: 'local' }], startS * 1000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`prefill: ${rows} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const history = new MetricsHistory(db);
  console.log(`cache_size ${String(db.pragma('cache_size', { simple: true }))}, page_size ${String(db.pragma('page_size', { simple: true }))}, VMS ${VMS}`);
  const vm = { vmId: '', cpuPct: 0, memUsedMiB: 30, memAvailableMiB: 20, diskReadBps: 0, diskWriteBps: 0, diskReadIops: 0, diskWriteIops: 0, netRxBps: 0, netTxBps: 0 };
  const values = new Float64Array(NCOLS);
  const rnd = (m: number) => Math.floor(Math.random() * m);
  console.log('sim min | RSS MB | anon MB | file MB | heap used/total MB | db MB | wal MB | rows');
  for (let tS = startS + 2, i = 1; tS <= startS + SIM_MIN * 60; tS += 2, i++) {
    history.flush(tS * 1000);
    for (const u of uuids) {
      vm.vmId = u; vm.cpuPct = rnd(100); vm.diskReadBps = rnd(1e6); vm.netRxBps = rnd(1e6);
      history.add('vm', u, tS * 1000 + 100, values, vmValues(vm, values));
    }
    history.add('host', 'local', tS * 1000 + 100, values, hostValues({ cpuPct: 20, memUsedMiB: 1000, memTotalMiB: 24_000 }, values));
    if (i % 150 === 0) {
      const s = status();
      const m = process.memoryUsage();
      const rows = (db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n;
      console.log(`${(i / 30).toFixed(0).padStart(7)} | ${s.rss.toFixed(1)} | ${s.anon.toFixed(1)} | ${s.file.toFixed(1)} | ${(m.heapUsed / 2 ** 20).toFixed(1)}/${(m.heapTotal / 2 ** 20).toFixed(1)} | ${size(join(dir, 'ferry.db')).toFixed(1)} | ${size(join(dir, 'ferry.db-wal')).toFixed(1)} | ${rows}`);
    }
  }
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
