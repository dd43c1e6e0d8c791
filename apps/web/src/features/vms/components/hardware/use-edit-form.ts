// The state every hardware editor shares: the digest the form was filled from (kept from when
// it opened, so a change made elsewhere meanwhile answers 409 instead of being overwritten),
// client-side validation with the contract's schema, and the edit mutation.
import { useState } from 'react';
import { EditVmBodySchema, type EditVmBody, type VmDetail } from '@ferry/contract';
import type { z } from 'zod';
import { useEditVm, type EditResult } from '../../api/edit-vm.ts';

export type FieldErrors = Record<string, string>;
export type EditChange = Omit<EditVmBody, 'digest'>;

/** zod issues → { 'cpu.sockets': message }; the first issue of a path wins. */
export function issuesByPath(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    out[key] ??= i.message;
  }
  return out;
}

export function useEditForm(vm: VmDetail, onDone: (r: EditResult) => void) {
  const [digest] = useState(vm.digest);
  const edit = useEditVm(vm.id);
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (change: EditChange) => {
    const parsed = EditVmBodySchema.safeParse({ digest, ...change });
    if (!parsed.success) {
      setErrors(issuesByPath(parsed.error.issues));
      return;
    }
    setErrors({});
    edit.mutate(parsed.data, { onSuccess: onDone });
  };
  return { errors, setErrors, submit, edit };
}

export type EditForm = ReturnType<typeof useEditForm>;

/** "12" → 12; "" or "abc" → NaN, which the schema then refuses with its own message. */
export const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));
