// Users, sessions and tokens for tests. Passwords are hashed with a cheap scrypt cost (the
// cost is stored in the hash, so logins verify just as cheaply) to keep suites fast.
//
//   const admin = await tokenFor(app, 'alice', 'Administrator');       // creates alice if needed
//   await app.inject({ method: 'POST', url: '/api/v1/hosts', headers: admin, payload });
//   await createUser(app, { username: 'olga', grants: [{ path: '/hosts/h1', role: 'Operator' }] });
//   const s = await loginAs(app, 'olga');                               // s.headers: cookie + X-CSRF-Token
import type { FastifyInstance } from 'fastify';
import type { Role } from '@ferry/contract';
import { hashPassword } from '../modules/auth/passwords.ts';
import { findUser, insertUser } from '../modules/users/users.service.ts';
import { createGrant } from '../modules/acl/acl.service.ts';

export const TEST_PASSWORD = 'correct horse battery staple';
const CHEAP_SCRYPT = { ln: 10, r: 8, p: 1 };

export interface TestUser { id: string; username: string; password: string }

export interface CreateUserOptions {
  username: string;
  password?: string;
  /** A grant of this role on `/`. */
  role?: Role;
  /** More grants, e.g. `{ path: '/vms/<uuid>', role: 'Operator' }`. */
  grants?: { path: string; role: Role }[];
}

export async function createUser(app: FastifyInstance, opts: CreateUserOptions): Promise<TestUser> {
  const password = opts.password ?? TEST_PASSWORD;
  const user = insertUser(app.db, { username: opts.username, passwordHash: await hashPassword(password, CHEAP_SCRYPT), role: opts.role, at: new Date(app.auth.now()) });
  for (const g of opts.grants ?? []) createGrant(app.db, { userId: user.id, path: g.path, role: g.role }, app.auth.now);
  return { id: user.id, username: user.username, password };
}

export interface TestSession {
  /** `ferry_session=…`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  /** Cookie and X-CSRF-Token together: pass as inject's `headers` for any method. */
  headers: Record<string, string>;
}

export async function loginAs(app: FastifyInstance, username: string, password = TEST_PASSWORD): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`loginAs(${username}): ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'ferry_session');
  if (!set) throw new Error(`loginAs(${username}): no session cookie`);
  const cookie = `ferry_session=${set.value}`;
  const { csrfToken } = res.json() as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/**
 * `{ authorization: 'Bearer ferry_…' }` for a new API token of `username` — created first, with
 * `role` (default Administrator) on `/`, when no such user exists. The token's role is `role`,
 * or its owner's highest when omitted.
 */
export async function tokenFor(app: FastifyInstance, username: string, role?: Role): Promise<Record<string, string>> {
  const row = app.db.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: string } | undefined;
  const user = row ? findUser(app.db, row.id)! : await createUser(app, { username, role: role ?? 'Administrator' });
  const { secret } = app.auth.tokens.create(
    { userId: user.id, username: user.username, via: 'session', sessionId: null, tokenId: null, roleCap: null },
    { name: `test-${Date.now()}`, ...(role ? { role } : {}) },
  );
  return { authorization: `Bearer ${secret}` };
}
