// The clone dialog's values → the request body, with the contract's name rule.
import { VmNameSchema } from '@ferry/contract';
import type { CloneVmBody } from '../api/clone-vm.ts';

export interface CloneForm {
  name: string;
  mode: 'full' | 'linked';
  /** The pool for the new volumes; '' = each beside its source disk (the server's default). */
  pool: string;
  description: string;
  start: boolean;
}

export const initialCloneForm = (source: { name: string; template: boolean }): CloneForm => ({
  name: `${source.name}-clone`.slice(0, 63), mode: source.template ? 'linked' : 'full', pool: '', description: '', start: false,
});

export function cloneNameError(name: string): string | undefined {
  if (!name) return 'A name is needed';
  const r = VmNameSchema.safeParse(name);
  return r.success ? undefined : r.error.issues[0]?.message;
}

export const toCloneBody = (f: CloneForm): CloneVmBody => ({
  name: f.name, mode: f.mode, ...(f.pool ? { pool: f.pool } : {}),
  ...(f.description.trim() ? { description: f.description.trim() } : {}), ...(f.start ? { start: true } : {}),
});
