// Signing in and out, and "who am I". Authentication of each request (cookie or bearer) is the
// auth plugin's (plugins/auth.ts); this is the login flow behind `POST /auth/login`.
//
// Login answers alike for an unknown user, a wrong password and a disabled account — same
// status, same message, and the same work: one scrypt either way (against a dummy hash when
// the user does not exist), so timing does not tell them apart either.
import type { Me, User } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import { listGrants } from '../acl/acl.service.ts';
import type { Authz } from '../acl/authz.ts';
import { findUser } from '../users/users.service.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { SessionStore } from './sessions.ts';
import type { LoginThrottle } from './throttle.ts';

export const BAD_CREDENTIALS = 'invalid username or password';

export interface LoginOutcome { sessionId: string; csrfToken: string; maxAgeMs: number; user: User }

export function createAuthService(deps: { db: Db; sessions: SessionStore; throttle: LoginThrottle; authz: Authz }) {
  const { db, sessions, throttle, authz } = deps;
  const byName = db.prepare('SELECT id, password_hash, disabled FROM users WHERE username = ?');

  return {
    async login(username: string, password: string, ip: string): Promise<LoginOutcome> {
      const wait = throttle.retryAfter(ip, username);
      if (wait > 0) throw new AppError('RATE_LIMITED', 'too many failed sign-ins; try again later', undefined, { 'retry-after': String(wait) });
      throttle.begin(ip, username);
      const row = byName.get(username) as { id: string; password_hash: string; disabled: number } | undefined;
      const ok = row ? await verifyPassword(password, row.password_hash) : await verifyAgainstDummy(password);
      if (!row || !ok || row.disabled) throw new AppError('UNAUTHENTICATED', BAD_CREDENTIALS);
      throttle.succeeded(ip, username);
      const user = findUser(db, row.id);
      if (!user || user.disabled) throw new AppError('UNAUTHENTICATED', BAD_CREDENTIALS); // changed while we hashed
      return { ...sessions.create(row.id, ip), user };
    },

    async me(principal: Principal): Promise<Me> {
      const user = findUser(db, principal.userId);
      if (!user) throw new AppError('UNAUTHENTICATED', 'authentication required');
      return {
        user,
        via: principal.via,
        grants: listGrants(db, { userId: principal.userId }),
        privileges: await authz.privilegesOn(principal, '/'),
      };
    },
  };
}
