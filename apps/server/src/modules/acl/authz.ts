// The authorization service: what a principal may do where (Proxmox-style ACL).
//
// Model: a grant gives a user a role on a path. An object's ACL chain is the list of paths
// whose grants apply to it — a VM's is `/`, `/hosts/<its host>`, `/vms/<uuid>`; a host's is
// `/`, `/hosts/<id>`. A user's privileges on an object are the union of ROLE_PRIVILEGES over the
// roles granted on its chain. An API token gets its owner's privileges intersected with its
// own role's, so lowering the owner lowers their tokens too.
//
// A VM's host comes from the host registry through an injected resolver (setVmHostResolver);
// until one is set, or when it does not know the VM, only `/` and `/vms/<uuid>` grants apply.
// A path of any other shape (including a malformed id) has the chain `/` alone, so a bad id can
// never match a narrower grant.
//
// A principal's grants are cached (by user and token role) while the auth epoch
// (db/auth-epoch.ts) stands still — any grant, user or token change in this process moves it,
// so a revoked grant is refused on the very next check — and for at most GRANTS_TTL_MS, which
// bounds how long a change written by another process goes unseen.
import {
  HOST_ID_PATTERN, PRIVILEGES, ROLE_PRIVILEGES, RoleSchema, UUID_PATTERN, type Privilege, type Role,
} from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { authEpoch } from '../../db/auth-epoch.ts';
import type { Principal } from '../../lib/principal.ts';

export type VmHostResolver = (vmUuid: string) => Promise<string | null>;

export interface Authz {
  /**
   * Whether `principal` holds `privilege` on `path`. Path '*' asks "on at least one path"
   * (list routes: the handler then filters with filterVisible). A null principal holds nothing.
   */
  can(principal: Principal | null, privilege: Privilege, path: string): Promise<boolean>;
  /**
   * can(), answered synchronously when no lookup is needed (most checks: '*', grants on `/`,
   * hosts); undefined when a VM's host must be asked first — then use can(). The auth hook
   * runs this on every request, where a promise and a microtask turn are measurable.
   */
  canNow(principal: Principal | null, privilege: Privilege, path: string): boolean | undefined;
  /** The ACL chain of `path`, from `/` down to the path itself. */
  chainFor(path: string): Promise<string[]>;
  /** The items whose path (pathOf) the principal holds `privilege` on, in their order. */
  filterVisible<T>(principal: Principal | null, privilege: Privilege, items: readonly T[], pathOf: (item: T) => string): Promise<T[]>;
  /**
   * filterVisible for VMs whose host is already known (a list read it from each host): the
   * chain is built from `hostOf`, with no registry lookup per VM.
   */
  filterVisibleVms<T>(principal: Principal | null, privilege: Privilege, items: readonly T[], vmOf: (item: T) => { uuid: string; hostId: string }): T[];
  /**
   * Whether the principal holds `privilege` on any path of an ACL chain the caller already
   * knows (a VM event names its host: `/`, `/hosts/<id>`, `/vms/<uuid>`). Synchronous, for
   * per-message checks in a stream, where awaiting would reorder messages.
   */
  canOnChain(principal: Principal | null, privilege: Privilege, chain: readonly string[]): boolean;
  /** Every privilege the principal holds on `path`. */
  privilegesOn(principal: Principal | null, path: string): Promise<Privilege[]>;
  /** The host registry plugs in here (a VM's grants include its host's). */
  setVmHostResolver(resolve: VmHostResolver): void;
}

interface GrantRow { path: string; role: string }

const GRANTS_TTL_MS = 5_000;
const GRANTS_MAX = 1_000;

export function createAuthz(deps: { db: Db; resolveVmHost?: VmHostResolver; now?: () => number }): Authz {
  const now = deps.now ?? Date.now;
  let resolveVmHost: VmHostResolver = deps.resolveVmHost ?? (async () => null);
  const grantsOf = deps.db.prepare('SELECT path, role FROM acl WHERE user_id = ?');

  const cache = new Map<string, { epoch: number; readAt: number; grants: Map<string, Set<Privilege>> }>();
  function grantMap(principal: Principal): Map<string, Set<Privilege>> {
    const key = principal.roleCap ? `${principal.userId}\u0000${principal.roleCap}` : principal.userId;
    const epoch = authEpoch(deps.db);
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.epoch === epoch && t >= hit.readAt && t - hit.readAt < GRANTS_TTL_MS) return hit.grants;
    const grants = loadGrants(principal);
    if (cache.size >= GRANTS_MAX) cache.clear();
    cache.set(key, { epoch, readAt: t, grants });
    return grants;
  }

  /** path → privileges granted there, for this principal (token cap applied). */
  function loadGrants(principal: Principal): Map<string, Set<Privilege>> {
    const cap = principal.roleCap ? new Set(ROLE_PRIVILEGES[principal.roleCap]) : null;
    const map = new Map<string, Set<Privilege>>();
    for (const g of grantsOf.all(principal.userId) as GrantRow[]) {
      const role = RoleSchema.safeParse(g.role);
      if (!role.success) continue; // an unknown role in the table grants nothing
      const set = map.get(g.path) ?? new Set<Privilege>();
      for (const p of ROLE_PRIVILEGES[role.data as Role]) if (!cap || cap.has(p)) set.add(p);
      map.set(g.path, set);
    }
    return map;
  }

  /** The chain of a path that needs no lookup; null for a VM, whose host only the registry knows. */
  function knownChain(path: string): string[] | null {
    if (path.startsWith('/hosts/') && HOST_ID_PATTERN.test(path.slice(7))) return ['/', path];
    if (path.startsWith('/vms/') && UUID_PATTERN.test(path.slice(5))) return null;
    return ['/'];
  }

  async function chainFor(path: string): Promise<string[]> {
    const known = knownChain(path);
    if (known) return known;
    const hostId = await resolveVmHost(path.slice(5));
    return hostId !== null && HOST_ID_PATTERN.test(hostId) ? ['/', `/hosts/${hostId}`, path] : ['/', path];
  }

  async function privilegesIn(grants: Map<string, Set<Privilege>>, path: string): Promise<Set<Privilege>> {
    const out = new Set<Privilege>(grants.get('/'));
    // Only ask the registry for a VM's host when some grant on a host could matter.
    const hostGrantsMatter = [...grants.keys()].some((p) => p.startsWith('/hosts/'));
    if (path.startsWith('/vms/') && !hostGrantsMatter) {
      for (const p of grants.get(path) ?? []) out.add(p);
      return out;
    }
    for (const p of await chainFor(path)) for (const priv of grants.get(p) ?? []) out.add(priv);
    return out;
  }

  const holdsAnywhere = (grants: Map<string, Set<Privilege>>, privilege: Privilege): boolean =>
    [...grants.values()].some((s) => s.has(privilege));

  return {
    chainFor,

    canNow(principal, privilege, path) {
      if (!principal) return false;
      const grants = grantMap(principal);
      if (path === '*') return holdsAnywhere(grants, privilege);
      if (grants.get('/')?.has(privilege)) return true;
      // A VM's host matters only when some grant is on a host (as in privilegesIn).
      const chain = knownChain(path) ?? ([...grants.keys()].some((p) => p.startsWith('/hosts/')) ? null : ['/', path]);
      return chain ? chain.some((p) => grants.get(p)?.has(privilege) === true) : undefined;
    },

    async can(principal, privilege, path) {
      if (!principal) return false;
      const grants = grantMap(principal);
      if (path === '*') return holdsAnywhere(grants, privilege);
      if (grants.get('/')?.has(privilege)) return true;
      return (await privilegesIn(grants, path)).has(privilege);
    },

    async filterVisible(principal, privilege, items, pathOf) {
      if (!principal) return [];
      const grants = grantMap(principal);
      if (grants.get('/')?.has(privilege)) return [...items];
      if (!holdsAnywhere(grants, privilege)) return [];
      const out = [];
      for (const item of items) if ((await privilegesIn(grants, pathOf(item))).has(privilege)) out.push(item);
      return out;
    },

    filterVisibleVms(principal, privilege, items, vmOf) {
      if (!principal) return [];
      const grants = grantMap(principal);
      if (grants.get('/')?.has(privilege)) return [...items];
      if (!holdsAnywhere(grants, privilege)) return [];
      return items.filter((item) => {
        const { uuid, hostId } = vmOf(item);
        return Boolean(grants.get(`/hosts/${hostId}`)?.has(privilege) || grants.get(`/vms/${uuid}`)?.has(privilege));
      });
    },

    canOnChain(principal, privilege, chain) {
      if (!principal) return false;
      const grants = grantMap(principal);
      return chain.some((path) => grants.get(path)?.has(privilege) === true);
    },

    async privilegesOn(principal, path) {
      if (!principal) return [];
      const held = await privilegesIn(grantMap(principal), path);
      return PRIVILEGES.filter((p) => held.has(p));
    },

    setVmHostResolver(resolve) {
      resolveVmHost = resolve;
    },
  };
}
