// Grants: who holds which role on which path. Also the one rule that keeps Ferry manageable:
// there is always at least one enabled user holding Administrator on `/` — the grant, the user's
// enabled flag and the user row are all guarded by isLastAdministrator.
//
// Every check-then-write here is synchronous (better-sqlite3), so two requests cannot
// interleave between the check and the write.
import { randomUUID } from 'node:crypto';
import type { CreateGrantBody, Grant, Role } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/app-error.ts';

interface GrantRow { id: string; user_id: string; username: string; path: string; role: Role; created_at: string }

const toGrant = (r: GrantRow): Grant => ({ id: r.id, userId: r.user_id, username: r.username, path: r.path, role: r.role, createdAt: r.created_at });

const SELECT = 'SELECT a.id, a.user_id, u.username, a.path, a.role, a.created_at FROM acl a JOIN users u ON u.id = a.user_id';

/**
 * Whether `userId` is an enabled Administrator on `/` and nobody else is — so disabling,
 * deleting or removing that grant would leave Ferry without an administrator.
 */
export function isLastAdministrator(db: Db, userId: string): boolean {
  const admins = db.prepare(`SELECT u.id FROM acl a JOIN users u ON u.id = a.user_id
    WHERE a.path = '/' AND a.role = 'Administrator' AND u.disabled = 0`).all() as { id: string }[];
  return admins.length === 1 && admins[0]!.id === userId;
}

export function listGrants(db: Db, filter: { userId?: string | undefined } = {}): Grant[] {
  const rows = filter.userId
    ? db.prepare(`${SELECT} WHERE a.user_id = ? ORDER BY a.path`).all(filter.userId)
    : db.prepare(`${SELECT} ORDER BY u.username, a.path`).all();
  return (rows as GrantRow[]).map(toGrant);
}

export function createGrant(db: Db, body: CreateGrantBody, now: () => number): Grant {
  return db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM users WHERE id = ?').get(body.userId)) throw new AppError('NOT_FOUND', 'no such user');
    if (db.prepare('SELECT 1 FROM acl WHERE user_id = ? AND path = ?').get(body.userId, body.path)) {
      throw new AppError('CONFLICT', `the user already holds a role on ${body.path}; remove that grant first`);
    }
    const id = randomUUID();
    db.prepare('INSERT INTO acl (id, user_id, path, role, created_at) VALUES (?, ?, ?, ?, ?)').run(id, body.userId, body.path, body.role, new Date(now()).toISOString());
    return toGrant(db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as GrantRow);
  })();
}

export function deleteGrant(db: Db, id: string): void {
  db.transaction(() => {
    const g = db.prepare('SELECT user_id, path, role FROM acl WHERE id = ?').get(id) as { user_id: string; path: string; role: string } | undefined;
    if (!g) throw new AppError('NOT_FOUND', 'no such grant');
    if (g.path === '/' && g.role === 'Administrator' && isLastAdministrator(db, g.user_id)) {
      throw new AppError('CONFLICT', 'this is the last enabled Administrator on /; grant another user Administrator on / first');
    }
    db.prepare('DELETE FROM acl WHERE id = ?').run(id);
  })();
}
