// Roles, privileges and the paths grants apply to (Proxmox-style ACL): a grant gives a role
// on a path, and applies to everything below it. `/` is everything; a VM sits below its host,
// so a grant on `/hosts/h1` covers that host's VMs, and one on `/vms/<uuid>` follows the VM.
import { z } from 'zod';

export const ROLES = ['Administrator', 'Operator', 'Auditor'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const PRIVILEGES = [
  'sys.read', // see hosts, VMs, storage, networks, tasks
  'sys.audit', // read the audit log and every user's tasks
  'host.manage', // add, edit, remove hosts; apply readiness fixes
  'vm.create', 'vm.config', 'vm.delete',
  'vm.power', 'vm.console', 'vm.snapshot', 'vm.migrate',
  'storage.manage', 'network.manage',
  'users.manage', // users and ACL grants
] as const;
export const PrivilegeSchema = z.enum(PRIVILEGES);
export type Privilege = z.infer<typeof PrivilegeSchema>;

export const ROLE_PRIVILEGES: Readonly<Record<Role, readonly Privilege[]>> = {
  Administrator: PRIVILEGES,
  Operator: ['sys.read', 'vm.power', 'vm.console', 'vm.snapshot', 'vm.migrate'],
  Auditor: ['sys.read', 'sys.audit'],
};

/** Roles ordered by power, for "a token's role can only be lower than its owner's". */
export const ROLE_RANK: Readonly<Record<Role, number>> = { Auditor: 1, Operator: 2, Administrator: 3 };

// Grant paths: `/`, `/hosts/<hostId>`, `/vms/<vmUuid>`.
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const AclPathSchema = z.string().max(100).refine(
  (p) => p === '/' || (p.startsWith('/hosts/') && HOST_ID_PATTERN.test(p.slice(7))) || (p.startsWith('/vms/') && UUID_PATTERN.test(p.slice(5))),
  { message: "must be '/', '/hosts/<hostId>' or '/vms/<uuid>'" },
);
