// GET /acl (needs users.manage on `/`): every grant; the tab picks the ones that apply to a VM.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Grant } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { aclKeys } from './acl-keys.ts';

export const getGrants = (signal?: AbortSignal): Promise<Grant[]> => api('listGrants', {}, { signal }).then((r) => r.items);

export const grantsQueryOptions = () => queryOptions({
  queryKey: aclKeys.grants(),
  queryFn: ({ signal }) => getGrants(signal),
});

export const useGrants = (enabled: boolean) => useQuery({ ...grantsQueryOptions(), enabled });

/** The grants on a VM itself, and those it inherits from `/` and its host. */
export function grantsFor(grants: Grant[], vmId: string, hostId: string): { own: Grant[]; inherited: Grant[] } {
  const own = grants.filter((g) => g.path === `/vms/${vmId}`);
  const inherited = grants.filter((g) => g.path === '/' || g.path === `/hosts/${hostId}`);
  return { own, inherited };
}
