// The grants that apply to a VM, out of GET /acl's whole list (it has no path filter).
import type { Grant } from '@ferry/contract';

/** The grants on a VM itself, and those it inherits from `/` and its host. */
export function grantsFor(grants: Grant[], vmId: string, hostId: string): { own: Grant[]; inherited: Grant[] } {
  const own = grants.filter((g) => g.path === `/vms/${vmId}`);
  const inherited = grants.filter((g) => g.path === '/' || g.path === `/hosts/${hostId}`);
  return { own, inherited };
}
