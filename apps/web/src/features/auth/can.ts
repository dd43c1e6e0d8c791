// "May the caller do X here?" from /auth/me, to hide or disable what the server would refuse.
// A grant applies to its path and everything below (the server's acl/authz.ts), so on a host
// the caller holds the union of their roles on `/` and `/hosts/<id>`, and on a VM also those on
// `/vms/<uuid>`. /auth/me lists all of a user's grants, so for a session this is exactly the
// server's answer; a token's grants are capped at its role, which /me states only for `/`, so
// for a token only `/` counts. The server stays the judge; this only spares people buttons that
// cannot work.
import { ROLE_PRIVILEGES, type Me, type Privilege } from '@ferry/contract';
import { useMe } from './api/get-me.ts';

/** Whether `me` holds `privilege` through a grant on one of `chain`'s paths below `/`. */
function grantedBelowRoot(me: Me, chain: readonly string[], privilege: Privilege): boolean {
  if (me.via === 'token') return false;
  return me.grants.some((g) => chain.includes(g.path) && ROLE_PRIVILEGES[g.role].includes(privilege));
}

export function canOnHost(me: Me | undefined, hostId: string, privilege: Privilege): boolean {
  if (!me) return false;
  return me.privileges.includes(privilege) || grantedBelowRoot(me, [`/hosts/${hostId}`], privilege);
}

/** On a VM: grants on `/`, its host and the VM itself (a grant on `/vms/<uuid>` follows it across hosts). */
export function canOnVm(me: Me | undefined, vm: { id: string; hostId: string }, privilege: Privilege): boolean {
  if (!me) return false;
  return me.privileges.includes(privilege) || grantedBelowRoot(me, [`/hosts/${vm.hostId}`, `/vms/${vm.id}`], privilege);
}

export const useCanOnHost = (hostId: string, privilege: Privilege): boolean => canOnHost(useMe().data, hostId, privilege);

/**
 * Which of `privileges` the caller holds on a VM, e.g. `const can = useCanOnVm(vm)` then
 * `can('vm.config')`. One /auth/me read per component, however many buttons ask.
 */
export function useCanOnVm(vm: { id: string; hostId: string }): (privilege: Privilege) => boolean {
  const me = useMe().data;
  return (privilege) => canOnVm(me, vm, privilege);
}

export const useCan = (privilege: Privilege): boolean => useMe().data?.privileges.includes(privilege) ?? false;

/** The title of a control the caller may not use: which privilege it needs, and where. */
export const needs = (privilege: Privilege, what = 'this VM'): string => `Needs the ${privilege} privilege on ${what}, which your roles do not include`;
