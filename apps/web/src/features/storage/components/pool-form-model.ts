// The new-pool form's rules: the contract's name and path schemas, and what the server would
// refuse as a CONFLICT (a name or directory another pool already has), checked against the
// pools the dashboard knows. A directory inside another pool's (or holding one) is allowed but
// warned about: libvirt lists a pool's subdirectories as volumes of it.
import { ObjectNameSchema, PoolPathSchema, type StoragePool } from '@ferry/contract';
import { firstIssue } from '../../../lib/form-issues.ts';

/** Where a new pool goes unless the user says otherwise: a directory of its own. */
export const POOL_PARENT = '/var/lib/libvirt/pools';
export const defaultPoolPath = (name: string) => `${POOL_PARENT}/${name}`;

export interface PoolFormErrors {
  name?: string | undefined;
  path?: string | undefined;
}

export function validatePool(name: string, path: string, pools: readonly StoragePool[]): PoolFormErrors {
  const clash = pools.find((p) => p.path === path);
  return {
    name: firstIssue(ObjectNameSchema.safeParse(name)) ?? (pools.some((p) => p.name === name) ? `a pool named ${name} exists` : undefined),
    path: firstIssue(PoolPathSchema.safeParse(path)) ?? (clash ? `pool ${clash.name} already uses this directory` : undefined),
  };
}

/** The pool whose directory this one would sit in or hold, for a warning; undefined when none. */
export function nestedWith(path: string, pools: readonly StoragePool[]): { pool: StoragePool; inside: boolean } | undefined {
  for (const p of pools) {
    if (!p.path || p.path === path) continue;
    if (path.startsWith(`${p.path}/`)) return { pool: p, inside: true };
    if (p.path.startsWith(`${path}/`)) return { pool: p, inside: false };
  }
  return undefined;
}
