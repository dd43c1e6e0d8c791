// Grant a role on this VM to a user: user and role pickers and one button.
import { useState } from 'react';
import type { Role, User } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { useCreateGrant } from '../../admin/grants/api/create-grant.ts';
import { RoleField } from '../../../components/role-field.tsx';

export function AddGrantForm({ vmId, users }: { vmId: string; users: User[] }) {
  const create = useCreateGrant();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('Operator');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!userId) return;
    create.mutate({ userId, path: `/vms/${vmId}`, role }, { onSuccess: () => setUserId('') });
  };
  return (
    <form className="toolbar" data-testid="grant-add" onSubmit={submit} aria-label="Add a grant" style={{ alignItems: 'end' }}>
      <Field id="grant-user" label="User">
        <select value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Choose a user…</option>
          {users.map((u) => <option key={u.id} value={u.id}>{u.username}{u.disabled ? ' (disabled)' : ''}</option>)}
        </select>
      </Field>
      <RoleField id="grant-role" value={role} onChange={setRole} />
      <button type="submit" id="grant-add-submit" className="primary" disabled={!userId || create.isPending}>Grant</button>
      <ErrorMessage error={create.error} title="Could not add the grant" />
    </form>
  );
}
