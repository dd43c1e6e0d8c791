// "May the caller do X here?" from /auth/me, to hide or disable what the server would refuse.
// A grant applies to its path and everything below, so on a host the caller holds the union
// of their roles on `/` and on `/hosts/<id>`. The server stays the judge; this only spares
// people buttons that cannot work.
import { ROLE_PRIVILEGES, type Me, type Privilege } from '@ferry/contract';
import { useMe } from './api/get-me.ts';

export function canOnHost(me: Me | undefined, hostId: string, privilege: Privilege): boolean {
  if (!me) return false;
  if (me.privileges.includes(privilege)) return true;
  if (me.via === 'token') return false; // capped at the token's role, which /me states only for `/`
  return me.grants.some((g) => g.path === `/hosts/${hostId}` && ROLE_PRIVILEGES[g.role].includes(privilege));
}

export const useCanOnHost = (hostId: string, privilege: Privilege): boolean => canOnHost(useMe().data, hostId, privilege);

export const useCan = (privilege: Privilege): boolean => useMe().data?.privileges.includes(privilege) ?? false;
