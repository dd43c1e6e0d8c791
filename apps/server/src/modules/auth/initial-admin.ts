// First run: a fresh database has no users, so Ferry creates `admin` with Administrator on `/`.
// Its password is FERRY_ADMIN_PASSWORD when set; otherwise one is generated, written to
// `<dataDir>/initial-admin-password` (mode 0600, the only file Ferry ever writes a password
// to) and printed once. Later starts find users and do nothing — so a changed
// FERRY_ADMIN_PASSWORD never resets anything. Called from main.ts, not buildApp: tests start
// from an empty database and make their own users.
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { insertUser } from '../users/users.service.ts';
import { hashPassword } from './passwords.ts';

export const INITIAL_ADMIN = 'admin';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface InitialAdmin { username: string; passwordFile: string | null }

/** Creates the first administrator if there are no users; returns what it did, or null. */
export async function ensureInitialAdmin(db: Db, config: Pick<Config, 'adminPassword' | 'dataDir'>, print: (line: string) => void): Promise<InitialAdmin | null> {
  const hasUsers = () => db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined;
  if (hasUsers()) return null;
  const generated = config.adminPassword === null;
  const password = config.adminPassword ?? randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  if (hasUsers()) return null; // someone else got here while we hashed
  // The file first: if it cannot be written, start-up fails with no user made, rather than
  // with an admin whose password nobody ever saw.
  const file = generated ? path.join(config.dataDir, INITIAL_PASSWORD_FILE) : null;
  if (file) {
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // the mode above applies only when the file is new
  }
  insertUser(db, { username: INITIAL_ADMIN, passwordHash, role: 'Administrator', at: new Date() });
  if (!file) {
    print(`Ferry: created the user "${INITIAL_ADMIN}" (Administrator) with the password from FERRY_ADMIN_PASSWORD.`);
    return { username: INITIAL_ADMIN, passwordFile: null };
  }
  print(`Ferry: created the user "${INITIAL_ADMIN}" (Administrator) with the password ${password} — shown this once; also in ${file} (mode 0600).`);
  return { username: INITIAL_ADMIN, passwordFile: file };
}
