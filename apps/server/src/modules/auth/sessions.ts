// Server-side sessions. The browser holds a random 32-byte id in the `ferry_session` cookie;
// the database holds only its SHA-256, so a copy of the database cannot be replayed as a
// cookie. Each session also has a CSRF token (hashed too) that cookie-authenticated mutations
// must echo in X-CSRF-Token.
//
// Expiry: `idleMs` after the last use (sliding) and `absoluteMs` after login, whichever comes
// first. last_seen_at is written at most once a minute to keep reads from becoming writes, so a
// session may end up to a minute before its idle limit — never after it.
import * as crypto from 'node:crypto';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database.ts';

export interface SessionRecord {
  idHash: string;
  userId: string;
  username: string;
  csrfTokenHash: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionStore {
  /** Starts a session; the returned id and CSRF token exist nowhere else after this. */
  create(userId: string, sourceIp: string | null): { sessionId: string; csrfToken: string; maxAgeMs: number };
  /** The live session for a cookie value, or null (unknown, expired, or its user disabled). */
  lookup(sessionId: string): SessionRecord | null;
  /**
   * Whether a session (by id hash) still stands — not expired, not ended, its user enabled —
   * without counting as use: long-lived sockets re-check with it, and an open socket alone
   * must not keep an idle session alive.
   */
  isLive(idHash: string): boolean;
  /** Whether `token` is this session's CSRF token (constant time). */
  checkCsrf(session: SessionRecord, token: string | undefined): boolean;
  destroy(sessionId: string): void;
  /** Ends a session by its id hash (Principal.sessionId holds the hash, never the cookie value). */
  destroyByHash(idHash: string): void;
  /** Ends all of a user's sessions, except optionally one (by id hash); returns how many ended. */
  destroyAllFor(userId: string, exceptIdHash?: string | null): number;
}

const TOUCH_EVERY_MS = 60_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url

// crypto.hash (Node ≥ 20.12) is the one-shot form: ~0.8 µs against ~2.7 µs for createHash, and
// every bearer request hashes its token.
const oneShot = (crypto as { hash?: (alg: string, data: string) => string }).hash;
export const sha256 = oneShot
  ? (s: string): string => oneShot('sha256', s)
  : (s: string): string => createHash('sha256').update(s).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

export function createSessionStore(deps: { db: Db; now: () => number; idleMs: number; absoluteMs: number }): SessionStore {
  const { db, now, idleMs, absoluteMs } = deps;
  const insert = db.prepare('INSERT INTO sessions (id_hash, user_id, csrf_token_hash, source_ip, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const select = db.prepare(`SELECT s.id_hash, s.user_id, s.csrf_token_hash, s.created_at, s.last_seen_at, s.expires_at, u.username, u.disabled
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`);
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?');
  const remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?');
  const removeForUser = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?');

  return {
    create(userId, sourceIp) {
      const t = now();
      // Expired rows are otherwise only removed when their cookie comes back; logins are rare
      // enough to sweep here.
      removeExpired.run(t, t - idleMs);
      const sessionId = newSecret();
      const csrfToken = newSecret();
      insert.run(sha256(sessionId), userId, sha256(csrfToken), sourceIp, t, t, t + absoluteMs);
      return { sessionId, csrfToken, maxAgeMs: absoluteMs };
    },

    lookup(sessionId) {
      if (!SESSION_ID.test(sessionId)) return null;
      const idHash = sha256(sessionId);
      const row = select.get(idHash) as {
        id_hash: string; user_id: string; csrf_token_hash: string; created_at: number; last_seen_at: number; expires_at: number; username: string; disabled: number;
      } | undefined;
      if (!row) return null;
      const t = now();
      if (t >= row.expires_at || t - row.last_seen_at >= idleMs) {
        remove.run(idHash);
        return null;
      }
      if (row.disabled) return null; // disabling deletes sessions; this covers a write in between
      let lastSeenAt = row.last_seen_at;
      if (t - lastSeenAt >= TOUCH_EVERY_MS) {
        touch.run(t, idHash);
        lastSeenAt = t;
      }
      return {
        idHash, userId: row.user_id, username: row.username, csrfTokenHash: row.csrf_token_hash,
        createdAt: row.created_at, lastSeenAt, expiresAt: row.expires_at,
      };
    },

    isLive(idHash) {
      const row = select.get(idHash) as { last_seen_at: number; expires_at: number; disabled: number } | undefined;
      const t = now();
      return row !== undefined && !row.disabled && t < row.expires_at && t - row.last_seen_at < idleMs;
    },

    checkCsrf(session, token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 256) return false;
      return timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(session.csrfTokenHash, 'hex'));
    },

    destroy(sessionId) {
      if (SESSION_ID.test(sessionId)) remove.run(sha256(sessionId));
    },

    destroyByHash(idHash) {
      remove.run(idHash);
    },

    destroyAllFor(userId, exceptIdHash = null) {
      return removeForUser.run(userId, exceptIdHash).changes;
    },
  };
}
