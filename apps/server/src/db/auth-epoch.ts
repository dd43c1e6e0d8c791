// A counter that moves whenever a row that decides who a caller is, or what they may do,
// changes: a user (deleted, disabled, renamed), an API token (revoked, re-roled, expiry
// changed, deleted) or an ACL grant (any change). The token and grant caches
// (tokens.service.ts, authz.ts) remember the epoch they read at and treat a moved one as a
// miss, so such a change is seen by the very next request.
//
// TEMP triggers on this connection call back into JS: every write through Ferry's own
// connection — services, cascades of a user delete, a test's raw SQL — moves the counter,
// with no per-request SQLite read. TEMP, because they live only in this connection: the
// database file carries no trigger that another program (sqlite3, a backup tool) could not
// run. Writes by another process are not seen here; the caches' short TTL bounds how long
// they go unnoticed. Token `last_used_at` touches do not move the counter.
import type { Db } from './database.ts';

const epochs = new WeakMap<Db, { n: number }>();

const FN = 'ferry_auth_changed';
const WATCHED: readonly { table: string; update: string }[] = [
  { table: 'users', update: 'UPDATE OF id, username, disabled' },
  { table: 'api_tokens', update: 'UPDATE OF id, user_id, secret_hash, role, expires_at, revoked_at' },
  { table: 'acl', update: 'UPDATE' },
];

/** The current epoch of `db`; watches the tables on first use. */
export function authEpoch(db: Db): number {
  let e = epochs.get(db);
  if (!e) e = watch(db);
  return e.n;
}

function watch(db: Db): { n: number } {
  const e = { n: 0 };
  epochs.set(db, e);
  db.function(FN, { deterministic: false, directOnly: false }, () => {
    e.n++;
    return null;
  });
  for (const { table, update } of WATCHED) {
    for (const [name, event] of [['ins', 'INSERT'], ['upd', update], ['del', 'DELETE']] as const) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS ferry_auth_${table}_${name} AFTER ${event} ON main.${table} BEGIN SELECT ${FN}(); END`);
    }
  }
  return e;
}
