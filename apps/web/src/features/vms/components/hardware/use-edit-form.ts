// The state every hardware editor shares: the digest the form was filled from (kept from when
// it opened, so a change made elsewhere meanwhile answers 409 instead of being overwritten),
// client-side validation with the contract's schema, and the edit mutation.
import { useState } from 'react';
import { EditVmBodySchema, type EditVmBody, type VmDetail } from '@ferry/contract';
import { useEditVm, type EditResult } from '../../api/edit-vm.ts';
import { issuesByPath } from '../../../../lib/form-issues.ts';

export type FieldErrors = Record<string, string>;
export type EditChange = Omit<EditVmBody, 'digest'>;

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
