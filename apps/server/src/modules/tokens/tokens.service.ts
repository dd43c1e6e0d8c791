// API tokens. The secret (`ferry_` + 32 random bytes, base64url) is returned once, by create;
// only its SHA-256 is stored, and a bearer request is matched by that hash (an indexed lookup
// on a high-entropy value: no timing to exploit, no throttling needed).
//
// A token acts as its owner with privileges capped at its role (authz intersects the two).
// Its role defaults to the highest role its owner holds anywhere and may not exceed it; a
// token used to create another caps the new one at its own role too. A token stops working
// when revoked, expired, or while its owner is disabled; deleting the owner deletes it.
//
// Bearer lookups are cached by the secret's hash (a hit skips the SELECT … JOIN users, which
// was most of a bearer request's auth cost). An entry is good while the auth epoch
// (db/auth-epoch.ts) has not moved — any revoke, user disable/delete or token change in this
// process moves it — and for at most CACHE_TTL_MS, which bounds what a write by another process
// can go unnoticed. Expiry is checked against the clock on every hit. Unknown secrets are not
// cached, so guessing cannot fill memory.
import { randomBytes, randomUUID } from 'node:crypto';
import { ROLE_RANK, RoleSchema, TOKEN_SECRET_PREFIX, type ApiToken, type CreateTokenBody, type CreatedApiToken, type Role } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { authEpoch } from '../../db/auth-epoch.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import { sha256 } from '../auth/sessions.ts';

interface TokenRow {
  id: string; user_id: string; name: string; role: Role; created_at: string;
  expires_at: string | null; last_used_at: string | null; revoked_at: string | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id, name: r.name, role: r.role, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at,
});

const TOUCH_EVERY_MS = 60_000;
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 1_000;
const SECRET = new RegExp(`^${TOKEN_SECRET_PREFIX}[A-Za-z0-9_-]{43}$`);

/** The highest role a user holds on any path, or null when they hold none. */
export function highestRole(db: Db, userId: string): Role | null {
  let best: Role | null = null;
  for (const { role } of db.prepare('SELECT role FROM acl WHERE user_id = ?').all(userId) as { role: string }[]) {
    const r = RoleSchema.safeParse(role);
    if (r.success && (best === null || ROLE_RANK[r.data] > ROLE_RANK[best])) best = r.data;
  }
  return best;
}

export function createTokenService(deps: { db: Db; now: () => number }) {
  const { db, now } = deps;
  const byHash = db.prepare(`SELECT t.id, t.user_id, t.role, t.expires_at, t.last_used_at, t.revoked_at, u.username, u.disabled
    FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`);
  const touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');

  interface Cached {
    epoch: number;
    readAt: number;
    expiresAt: number | null;
    lastUsedAt: number | null;
    principal: Principal;
  }
  const cache = new Map<string, Cached>();

  function load(hash: string, t: number): Cached | null {
    const epoch = authEpoch(db); // before the read: a write in between leaves the entry stale, not wrong
    const row = byHash.get(hash) as (TokenRow & { username: string; disabled: number }) | undefined;
    if (!row || row.revoked_at !== null || row.disabled) return null;
    const entry: Cached = {
      epoch, readAt: t,
      expiresAt: row.expires_at === null ? null : Date.parse(row.expires_at),
      lastUsedAt: row.last_used_at === null ? null : Date.parse(row.last_used_at),
      principal: { userId: row.user_id, username: row.username, via: 'token', sessionId: null, tokenId: row.id, roleCap: row.role },
    };
    if (cache.size >= CACHE_MAX) cache.clear(); // more live tokens in use than that: rare, and a miss is only a SELECT
    cache.set(hash, entry);
    return entry;
  }

  return {
    /** The principal a bearer secret stands for, or null (unknown, revoked, expired, owner disabled). */
    authenticate(secret: string): Principal | null {
      if (!SECRET.test(secret)) return null;
      const hash = sha256(secret);
      const t = now();
      let entry = cache.get(hash);
      if (!entry || entry.epoch !== authEpoch(db) || t - entry.readAt >= CACHE_TTL_MS || t < entry.readAt) entry = load(hash, t) ?? undefined;
      if (!entry) {
        cache.delete(hash);
        return null;
      }
      if (entry.expiresAt !== null && entry.expiresAt <= t) return null;
      if (entry.lastUsedAt === null || t - entry.lastUsedAt >= TOUCH_EVERY_MS) {
        touch.run(new Date(t).toISOString(), entry.principal.tokenId);
        entry.lastUsedAt = t;
      }
      // A copy: each request owns its principal; nothing done to it reaches the cache.
      return { ...entry.principal };
    },

    list(userId: string): ApiToken[] {
      const rows = db.prepare('SELECT * FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, name').all(userId) as TokenRow[];
      return rows.map(toToken);
    },

    create(owner: Principal, body: CreateTokenBody): CreatedApiToken {
      const t = now();
      if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= t) throw new AppError('BAD_REQUEST', 'expiresAt must be in the future');
      let ceiling = highestRole(db, owner.userId);
      if (owner.roleCap && (ceiling === null || ROLE_RANK[owner.roleCap] < ROLE_RANK[ceiling])) ceiling = owner.roleCap;
      if (ceiling === null) throw new AppError('FORBIDDEN', 'you hold no role, so a token would have none to act with');
      const role = body.role ?? ceiling;
      if (ROLE_RANK[role] > ROLE_RANK[ceiling]) throw new AppError('FORBIDDEN', `a token's role cannot be above yours (${ceiling})`);
      const id = randomUUID();
      const secret = TOKEN_SECRET_PREFIX + randomBytes(32).toString('base64url');
      const createdAt = new Date(t).toISOString();
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt).toISOString();
      db.prepare(`INSERT INTO api_tokens (id, user_id, name, secret_hash, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(id, owner.userId, body.name, sha256(secret), role, createdAt, expiresAt);
      return { id, name: body.name, role, createdAt, expiresAt, lastUsedAt: null, secret };
    },

    /** Revokes one of the owner's own tokens; another user's token is "not found", not "forbidden". */
    revoke(ownerId: string, id: string): void {
      const done = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL')
        .run(new Date(now()).toISOString(), id, ownerId);
      if (done.changes === 0) throw new AppError('NOT_FOUND', 'no such token');
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
