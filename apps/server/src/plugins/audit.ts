// The audit log's recorder: every POST/PUT/PATCH/DELETE under /api/v1 leaves one row — failed
// and unauthenticated ones too — with who (user, session or token, source IP), the route as
// declared, its target, the outcome and duration. Handlers name the target (`req.auditTarget`,
// else it is derived from the route's params) and describe configuration changes
// (`req.auditDiff`), stored as a diff without secrets. Request bodies and query strings are
// never stored. Non-HTTP events (console sessions) use recordAudit().
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, ERROR_CODES, type AuditResult } from '@ferry/contract';
import type { Db } from '../db/database.ts';
import type { Principal } from '../lib/principal.ts';
import { auditDiff } from '../modules/audit/audit-diff.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request acted on, e.g. 'vm:<uuid>' — set by handlers when params do not say it (creations). */
    auditTarget?: string;
    /** For configuration changes: the object before and after; only a secret-free diff is stored. */
    auditDiff?: { before: unknown; after: unknown };
  }
}

export interface AuditRecordInput {
  principal: Principal | null;
  sourceIp?: string | null;
  method: string;
  /** The route's path below /api/v1 as declared, e.g. '/vms/:vmId/console'. */
  route: string;
  target?: string | null;
  /** HTTP status; 0 (the default) for events that are not an HTTP response. */
  status?: number;
  result: AuditResult;
  errorCode?: string | null;
  durationMs?: number;
  requestId?: string;
  diff?: { before: unknown; after: unknown } | null;
  /** When it began (default: now). */
  at?: Date;
}

const MAX_FIELD = 200;
const clip = (s: string) => (s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s);

export function recordAudit(db: Db, e: AuditRecordInput): void {
  const p = e.principal;
  const diff = e.diff ? auditDiff(e.diff.before, e.diff.after) : null;
  db.prepare(`INSERT INTO audit (at, user_id, username, auth, token_id, source_ip, method, route, target, status, result,
    error_code, duration_ms, request_id, diff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    (e.at ?? new Date()).toISOString(), p?.userId ?? null, p?.username ?? null, p?.via ?? null, p?.tokenId ?? null,
    e.sourceIp ?? null, e.method, clip(e.route), e.target ? clip(e.target) : null, e.status ?? 0, e.result,
    e.errorCode ?? null, e.durationMs ?? 0, e.requestId ?? '', diff ? JSON.stringify(diff) : null,
  );
}

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KNOWN_CODES = new Set<string>(ERROR_CODES);
const MAX_ERROR_BODY = 64 * 1024;

function isAudited(req: FastifyRequest): boolean {
  return MUTATIONS.has(req.method) && (req.url === API_PREFIX || req.url.startsWith(`${API_PREFIX}/`) || req.url.startsWith(`${API_PREFIX}?`));
}

/** The declared route below the prefix ('/vms/:vmId/start'), or the path asked for when none matched. */
function routeOf(req: FastifyRequest): string {
  const path = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
  return path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) || '/' : path;
}

/** '/vms/:vmId/snapshots/:name/revert' with its params → 'vm:<uuid>/snapshot:<name>'. */
export function targetFromRoute(route: string, params: unknown): string | null {
  const values = (params ?? {}) as Record<string, unknown>;
  const segments = route.split('/').filter(Boolean);
  const parts: string[] = [];
  segments.forEach((seg, i) => {
    const value = seg.startsWith(':') ? values[seg.slice(1)] : undefined;
    if (typeof value !== 'string' || value === '') return;
    const collection = i > 0 && !segments[i - 1]?.startsWith(':') ? segments[i - 1] ?? '' : seg.slice(1);
    parts.push(`${collection.length > 1 && collection.endsWith('s') ? collection.slice(0, -1) : collection}:${value}`);
  });
  return parts.length ? parts.join('/') : null;
}

function errorCodeOf(payload: unknown): string | null {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (text === null || text.length > MAX_ERROR_BODY) return null;
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } })?.error?.code;
    return typeof code === 'string' && KNOWN_CODES.has(code) ? code : null;
  } catch {
    return null;
  }
}

export default fp(async function audit(app: FastifyInstance) {
  // Captured on the way out: onResponse no longer sees the body.
  const errorCodes = new WeakMap<FastifyRequest, string | null>();

  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode >= 400 && isAudited(req)) errorCodes.set(req, errorCodeOf(payload));
    done(null, payload);
  });

  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    if (isAudited(req)) record(req, reply);
    done();
  });

  function record(req: FastifyRequest, reply: FastifyReply): void {
    const route = routeOf(req);
    const ok = reply.statusCode < 400;
    try {
      recordAudit(app.db, {
        principal: req.principal ?? null,
        sourceIp: req.ip,
        method: req.method,
        route,
        target: req.auditTarget ?? targetFromRoute(req.routeOptions.url ? route : '', req.params),
        status: reply.statusCode,
        result: ok ? 'success' : 'error',
        errorCode: ok ? null : errorCodes.get(req) ?? null,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        requestId: req.id,
        diff: req.auditDiff ?? null,
        at: new Date(Date.now() - reply.elapsedTime),
      });
    } catch (err) {
      // Losing an audit row is serious but must not turn a done mutation into an error.
      req.log.error({ err, route, requestId: req.id }, 'audit record failed');
    }
  }
}, { name: 'audit', decorators: { fastify: ['db'] } });
