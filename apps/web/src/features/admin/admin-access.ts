// What the signed-in caller may do in the Administration area, from /auth/me: users and grants
// need users.manage on `/`, the audit log sys.audit on `/`; anyone may manage their own API
// tokens. A token's role may not exceed the highest role its owner holds anywhere (the
// server's rule, tokens.service.ts), so that role is the ceiling of the token form's options.
import { ROLE_RANK, ROLES, type Me, type Role } from '@ferry/contract';
import { useMe } from '../auth/api/get-me.ts';

export const ADMIN_SECTIONS = ['users', 'grants', 'tokens', 'audit'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

/**
 * Each section's page. Top-level paths, not /admin/…: the server serves the dashboard only
 * under the sections it lists (apps/server/src/plugins/web.ts PAGE_SECTIONS), and these four
 * are there already — a reload or a shared link of any of them works.
 */
export const ADMIN_PATHS: Readonly<Record<AdminSection, string>> = { users: '/users', grants: '/acl', tokens: '/tokens', audit: '/audit' };

/** The section a path (without its query) shows, or null. */
export const adminSectionAt = (path: string): AdminSection | null =>
  ADMIN_SECTIONS.find((s) => ADMIN_PATHS[s] === path) ?? null;

export interface AdminAccess {
  loaded: boolean;
  manageUsers: boolean;
  readAudit: boolean;
  /** The highest role the caller holds anywhere; null when they hold none. */
  ceiling: Role | null;
}

export function highestRole(me: Pick<Me, 'grants'>): Role | null {
  let best: Role | null = null;
  for (const g of me.grants) if (best === null || ROLE_RANK[g.role] > ROLE_RANK[best]) best = g.role;
  return best;
}

/** Roles from the most powerful down, none above `ceiling`. */
export const rolesUpTo = (ceiling: Role | null): Role[] =>
  ceiling === null ? [] : [...ROLES].filter((r) => ROLE_RANK[r] <= ROLE_RANK[ceiling]).sort((a, b) => ROLE_RANK[b] - ROLE_RANK[a]);

export function accessOf(me: Me | undefined): AdminAccess {
  if (!me) return { loaded: false, manageUsers: false, readAudit: false, ceiling: null };
  return {
    loaded: true,
    manageUsers: me.privileges.includes('users.manage'),
    readAudit: me.privileges.includes('sys.audit'),
    ceiling: highestRole(me),
  };
}

export const useAdminAccess = (): AdminAccess => accessOf(useMe().data);

export const mayOpen = (a: AdminAccess, s: AdminSection): boolean =>
  s === 'tokens' || (s === 'audit' ? a.readAudit : a.manageUsers);
