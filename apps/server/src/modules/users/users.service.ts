// Local users. A user's powers come from ACL grants (modules/acl); this service keeps the
// accounts: create (optionally with a role on `/`), change password, disable, delete.
//
// Disabling a user ends their sessions at once, makes their API tokens fail while disabled
// (the token check reads the flag) and tells the onUserDisabled listeners, which close what
// the user still holds open (WebSockets). Deleting does the same and removes their tokens and
// grants (foreign keys cascade). Nobody may disable or delete themselves, nor the last
// enabled Administrator on `/`.
import { randomUUID } from 'node:crypto';
import { UsernameSchema, type CreateUserBody, type Role, type UpdateUserBody, type User } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import { isLastAdministrator } from '../acl/acl.service.ts';
import { hashPassword } from '../auth/passwords.ts';

interface UserRow { id: string; username: string; disabled: number; created_at: string; updated_at: string }

export const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, disabled: r.disabled !== 0, createdAt: r.created_at, updatedAt: r.updated_at });

const COLUMNS = 'id, username, disabled, created_at, updated_at';

export function findUser(db: Db, id: string): User | null {
  const row = db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
  return row ? toUser(row) : null;
}

/** Inserts a user (and a grant of `role` on `/`) in one transaction; 409 if the name is taken. */
export function insertUser(db: Db, input: { username: string; passwordHash: string; role?: Role | undefined; at: Date }): User {
  if (!UsernameSchema.safeParse(input.username).success) throw new AppError('BAD_REQUEST', `not a valid username: ${input.username}`);
  const id = randomUUID();
  const at = input.at.toISOString();
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username)) throw new AppError('CONFLICT', `the username ${input.username} is taken`);
    db.prepare('INSERT INTO users (id, username, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)').run(id, input.username, input.passwordHash, at, at);
    if (input.role) db.prepare('INSERT INTO acl (id, user_id, path, role, created_at) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), id, '/', input.role, at);
  })();
  return findUser(db, id)!;
}

export interface UsersServiceDeps {
  db: Db;
  now: () => number;
  /** Ends a user's sessions, keeping one (by id hash) if given. */
  endSessions(userId: string, exceptIdHash?: string | null): void;
  /** Tells the onUserDisabled listeners (after the change is committed). */
  notifyDisabled(userId: string): void;
}

export function createUsersService(deps: UsersServiceDeps) {
  const { db, now } = deps;

  const mustFind = (id: string): User => {
    const user = findUser(db, id);
    if (!user) throw new AppError('NOT_FOUND', 'no such user');
    return user;
  };

  return {
    list(): User[] {
      return (db.prepare(`SELECT ${COLUMNS} FROM users ORDER BY username`).all() as UserRow[]).map(toUser);
    },

    get: mustFind,

    async create(body: CreateUserBody): Promise<User> {
      const passwordHash = await hashPassword(body.password);
      return insertUser(db, { username: body.username, passwordHash, role: body.role, at: new Date(now()) });
    },

    async update(actor: Principal, id: string, body: UpdateUserBody): Promise<User> {
      mustFind(id);
      // Hash before the transaction: it is slow and async, and the checks below must not be
      // separated from their write by an await.
      const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
      let disabledNow = false;
      db.transaction(() => {
        const user = mustFind(id);
        const at = new Date(now()).toISOString();
        if (body.disabled === true && !user.disabled) {
          if (actor.userId === id) throw new AppError('FORBIDDEN', 'you cannot disable yourself');
          if (isLastAdministrator(db, id)) throw new AppError('CONFLICT', 'this is the last enabled Administrator on /; grant another user Administrator on / first');
          db.prepare('UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?').run(at, id);
          deps.endSessions(id);
          disabledNow = true;
        } else if (body.disabled === false && user.disabled) {
          db.prepare('UPDATE users SET disabled = 0, updated_at = ? WHERE id = ?').run(at, id);
        }
        if (passwordHash !== null) {
          db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(passwordHash, at, id);
          // A new password ends every other session of that user (whoever set it keeps theirs).
          deps.endSessions(id, actor.userId === id ? actor.sessionId : null);
        }
      })();
      if (disabledNow) deps.notifyDisabled(id);
      return mustFind(id);
    },

    delete(actor: Principal, id: string): void {
      db.transaction(() => {
        mustFind(id);
        if (actor.userId === id) throw new AppError('FORBIDDEN', 'you cannot delete yourself');
        if (isLastAdministrator(db, id)) throw new AppError('CONFLICT', 'this is the last enabled Administrator on /; grant another user Administrator on / first');
        db.prepare('DELETE FROM users WHERE id = ?').run(id); // sessions, tokens and grants cascade
      })();
      deps.notifyDisabled(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
