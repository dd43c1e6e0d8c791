// GET /audit: the audit log, newest first, filtered and paged. Reading it needs sys.audit on `/`
// (enforced by the auth plugin from the route's declared permission).
import type { FastifyInstance } from 'fastify';
import { routes, type AuditEntry, type AuditResult } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { registerRoute } from '../../lib/route.ts';

export interface AuditFilter {
  userId?: string;
  username?: string;
  route?: string;
  method?: string;
  result?: AuditResult;
  target?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

interface AuditRow {
  id: number; at: string; user_id: string | null; username: string | null; auth: 'session' | 'token' | null; token_id: string | null;
  source_ip: string | null; method: string; route: string; target: string | null; status: number; result: AuditResult;
  error_code: string | null; duration_ms: number; request_id: string; diff: string | null;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

export function queryAudit(db: Db, f: AuditFilter): { items: AuditEntry[]; total: number } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.userId) { where.push('user_id = ?'); args.push(f.userId); }
  if (f.username) { where.push('username = ? COLLATE NOCASE'); args.push(f.username); }
  // Exact, or everything below it: '/vms' finds '/vms/:vmId/start'; 'vm:<uuid>' finds its snapshots.
  if (f.route) { where.push("(route = ? OR route LIKE ? ESCAPE '\\')"); args.push(f.route, likePrefix(f.route.replace(/\/+$/, ''))); }
  if (f.target) { where.push("(target = ? OR target LIKE ? ESCAPE '\\')"); args.push(f.target, likePrefix(f.target)); }
  if (f.method) { where.push('method = ?'); args.push(f.method); }
  if (f.result) { where.push('result = ?'); args.push(f.result); }
  // Stored as UTC ISO strings, so normalized bounds compare correctly as text.
  if (f.from) { where.push('at >= ?'); args.push(new Date(f.from).toISOString()); }
  if (f.to) { where.push('at <= ?'); args.push(new Date(f.to).toISOString()); }
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit${clause}`).get(...args) as { n: number }).n;
  const rows = db.prepare(`SELECT * FROM audit${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset) as AuditRow[];
  return { items: rows.map(toEntry), total };
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id, at: r.at, userId: r.user_id, username: r.username, auth: r.auth, tokenId: r.token_id, sourceIp: r.source_ip,
    method: r.method, route: r.route, target: r.target, status: r.status, result: r.result, errorCode: r.error_code,
    durationMs: r.duration_ms, requestId: r.request_id, diff: r.diff === null ? null : (JSON.parse(r.diff) as AuditEntry['diff']),
  };
}

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.listAudit, async (req) => {
    const { items, total } = queryAudit(app.db, req.query);
    return { items, total, limit: req.query.limit, offset: req.query.offset };
  });
}
