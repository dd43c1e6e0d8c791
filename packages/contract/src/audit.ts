// The audit log: one entry per mutation (POST/PUT/PATCH/DELETE under /api/v1, failed and
// unauthenticated ones included) and per non-HTTP event such as a console session. Request
// bodies are never stored; configuration changes carry a structural diff without secrets.
import { z } from 'zod';
import { PageQuerySchema, RowIdSchema, TimestampSchema, pageOf } from './common.ts';
import { defineRoute } from './route.ts';

export const AuditResultSchema = z.enum(['success', 'error']);
export type AuditResult = z.infer<typeof AuditResultSchema>;

/** One changed value; `before` or `after` is absent when the value was added or removed. */
export const AuditChangeSchema = z.object({
  /** JSON Pointer (RFC 6901) into the configuration: '' is the whole object, '/disks/0/pool' a leaf. */
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditChange = z.infer<typeof AuditChangeSchema>;

export const AuditDiffSchema = z.object({
  changes: z.array(AuditChangeSchema),
  /** How many further changes were left out to keep the entry small. */
  omitted: z.number().int().optional(),
});
export type AuditDiff = z.infer<typeof AuditDiffSchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: TimestampSchema,
  userId: z.string().nullable(),
  username: z.string().nullable(),
  /** How the caller authenticated; null when they did not. */
  auth: z.enum(['session', 'token']).nullable(),
  tokenId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  method: z.string(),
  /** The route's path below /api/v1 as declared, e.g. '/vms/:vmId/start'. */
  route: z.string(),
  /** What it acted on, e.g. 'vm:<uuid>' or 'vm:<uuid>/snapshot:<name>'. */
  target: z.string().nullable(),
  /** HTTP status; 0 for events that are not an HTTP response. */
  status: z.number().int(),
  result: AuditResultSchema,
  errorCode: z.string().nullable(),
  durationMs: z.number(),
  requestId: z.string(),
  diff: AuditDiffSchema.nullable(),
}).meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = PageQuerySchema.extend({
  userId: RowIdSchema.optional(),
  username: z.string().min(1).max(64).optional(),
  /** Matches the route exactly, or as a prefix ending at a '/' (e.g. '/vms'). */
  route: z.string().min(1).max(200).optional(),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE', 'GET']).optional(),
  result: AuditResultSchema.optional(),
  /** Matches the target exactly, or its sub-objects ('vm:<uuid>' also finds 'vm:<uuid>/snapshot:…'). */
  target: z.string().min(1).max(200).optional(),
  from: TimestampSchema.optional(),
  to: TimestampSchema.optional(),
});

export const auditRoutes = {
  listAudit: defineRoute({
    method: 'GET', path: '/audit', summary: 'The audit log, newest first', tags: ['audit'],
    permission: { kind: 'privilege', privilege: 'sys.audit', scope: '/' },
    query: AuditQuerySchema,
    responses: { 200: pageOf(AuditEntrySchema) },
  }),
};
