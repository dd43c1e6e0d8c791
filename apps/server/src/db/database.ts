// The embedded state store: SQLite in the data dir (users, sessions, tokens, grants, hosts,
// tasks, audit). VM definitions live in libvirt and are never copied here as truth.
// Opening fails loudly — an unwritable dir or a corrupt file must stop start-up, not be
// papered over with an empty database.
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/**
 * SQLite's page cache per connection, as cache_size (negative: KiB). better-sqlite3 builds
 * SQLite with -16000 (16 MB) instead of SQLite's own -2000. The cache keeps every page it
 * touched until it is full, and the metrics history (1,000 VMs: ~1,000 rows appended and ~1,000
 * pruned per 10 s, 160+ MB at full retention) walks through all its pages within the hour it
 * keeps 10 s buckets — so the cache fills to its bound and stays there, and a new server's RSS
 * climbs by that much over its first hour (scripts/bench/metrics/history-memory.ts: RssAnon
 * +20 MB at -16000, flat after 15 min at -2000). That workload reads each page about once
 * (appends at a tier's end, prunes at its front, a chart's few hundred key lookups), so a larger
 * cache buys no hits: the history's per-tick CPU (scripts/bench/metrics/history.ts) is the same
 * at -2000, and a miss costs a read from the OS page cache, not from disk.
 */
export const PAGE_CACHE_KIB = -2000;

export function openDatabase(dataDir: string, file = 'ferry.db'): Db {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (e) {
    throw new DataDirError(`data dir ${dataDir} is not usable: ${(e as Error).message}`);
  }
  const dbPath = path.join(dataDir, file);
  let db: Db;
  try {
    db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check says: ${String(check)}`);
  } catch (e) {
    throw new DataDirError(`database ${dbPath} cannot be used: ${(e as Error).message}. Move it aside to start fresh, or restore a backup.`);
  }
  migrate(db);
  return db;
}

export function openMemoryDatabase(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  if (newest > known) throw new DataDirError(`database schema version ${newest} is newer than this Ferry (${known}); refusing to run an older version on it`);
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
}
