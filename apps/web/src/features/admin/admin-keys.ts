// Query keys of the Administration area: users, grants, the caller's tokens, the audit log.
import type { AuditQuery } from './audit/api/get-audit.ts';

export const adminKeys = {
  users: () => ['admin', 'users'] as const,
  grants: () => ['admin', 'grants'] as const,
  tokens: () => ['admin', 'tokens'] as const,
  auditAll: () => ['admin', 'audit'] as const,
  audit: (q: AuditQuery) => ['admin', 'audit', q] as const,
};
