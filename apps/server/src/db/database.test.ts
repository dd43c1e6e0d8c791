import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirError, PAGE_CACHE_KIB, openDatabase } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(path.join(tmpdir(), 'ferry-db-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) { chmodSync(d, 0o700); rmSync(d, { recursive: true, force: true }); } });

describe('database', () => {
  it('creates the data dir and applies every migration once', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const db = openDatabase(dir);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
    const again = openDatabase(dir); // idempotent
    expect(again.prepare('SELECT count(*) n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    again.close();
  });

  it('bounds the page cache explicitly (better-sqlite3 would give each connection 16 MB)', () => {
    const db = openDatabase(tempDir());
    expect(db.pragma('cache_size', { simple: true })).toBe(PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeGreaterThanOrEqual(-4000);
    db.close();
  });

  it('refuses a corrupt database file with a clear message', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'ferry.db'), 'this is not a database, just text long enough '.repeat(200));
    expect(() => openDatabase(dir)).toThrow(DataDirError);
    expect(() => openDatabase(dir)).toThrow(/cannot be used.*Move it aside/);
  });

  it('refuses an unwritable data dir', () => {
    if (process.getuid?.() === 0) {
      // root ignores mode bits; a path below a regular file is unusable for anyone.
      const file = path.join(tempDir(), 'file');
      writeFileSync(file, '');
      expect(() => openDatabase(path.join(file, 'data'))).toThrow(/data dir .* is not usable/);
    } else {
      const dir = tempDir();
      chmodSync(dir, 0o500);
      expect(() => openDatabase(dir)).toThrow(/not usable/);
    }
  });
});
