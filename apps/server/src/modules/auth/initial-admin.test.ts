import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../db/database.ts';
import { ensureInitialAdmin } from './initial-admin.ts';
import { verifyPassword } from './passwords.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'ferry-admin-'));
  dirs.push(d);
  return d;
};
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const adminRow = (db: ReturnType<typeof openMemoryDatabase>) => db.prepare(`SELECT u.username, u.password_hash, a.path, a.role
  FROM users u JOIN acl a ON a.user_id = u.id`).all() as { username: string; password_hash: string; path: string; role: string }[];

describe('ensureInitialAdmin', () => {
  it('on first run makes admin an Administrator on /, with a generated password printed once and kept in a 0600 file', async () => {
    const db = openMemoryDatabase();
    const dataDir = tempDir();
    const printed: string[] = [];
    const made = await ensureInitialAdmin(db, { dataDir, adminPassword: null }, (l) => printed.push(l));
    const file = path.join(dataDir, 'initial-admin-password');
    expect(made).toEqual({ username: 'admin', passwordFile: file });
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(password);
    const rows = adminRow(db);
    expect(rows).toMatchObject([{ username: 'admin', path: '/', role: 'Administrator' }]);
    expect(await verifyPassword(password, rows[0]!.password_hash)).toBe(true);

    // A second start finds a user and does nothing: nothing printed, the file is left alone.
    expect(await ensureInitialAdmin(db, { dataDir, adminPassword: 'another-password' }, (l) => printed.push(l))).toBeNull();
    expect(printed).toHaveLength(1);
    expect(adminRow(db)).toHaveLength(1);
  });

  it('uses FERRY_ADMIN_PASSWORD when set, and then writes no file and prints no password', async () => {
    const db = openMemoryDatabase();
    const dataDir = tempDir();
    const printed: string[] = [];
    expect(await ensureInitialAdmin(db, { dataDir, adminPassword: 'from-the-environment' }, (l) => printed.push(l))).toEqual({ username: 'admin', passwordFile: null });
    expect(() => statSync(path.join(dataDir, 'initial-admin-password'))).toThrow();
    expect(printed.join('\n')).not.toContain('from-the-environment');
    expect(await verifyPassword('from-the-environment', adminRow(db)[0]!.password_hash)).toBe(true);
  });

  it('makes no user when the password file cannot be written', async () => {
    const db = openMemoryDatabase();
    await expect(ensureInitialAdmin(db, { dataDir: '/nonexistent/ferry', adminPassword: null }, () => undefined)).rejects.toThrow();
    expect(adminRow(db)).toHaveLength(0);
  });
});
