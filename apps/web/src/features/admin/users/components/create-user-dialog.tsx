// New local user: name, initial password, and optionally a role on `/` (without one the user
// can sign in but sees nothing until granted). Checked with the contract's own schemas first.
import { useState, type FormEvent } from 'react';
import { PasswordSchema, ROLES, UsernameSchema, type Role } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { Field } from '../../../../components/field.tsx';
import { useCreateUser } from '../api/create-user.ts';

const issue = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? undefined : r.error?.issues[0]?.message);

export function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role | ''>('Operator');
  const [touched, setTouched] = useState(false);
  const errors = { username: issue(UsernameSchema.safeParse(username)), password: issue(PasswordSchema.safeParse(password)) };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.username || errors.password) return;
    create.mutate({ username, password, ...(role ? { role } : {}) }, { onSuccess: onClose });
  };
  return (
    <Dialog title="New user" onClose={onClose} testId="create-user-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="create-user-form" className="primary" id="create-user-submit" disabled={create.isPending}>Create user</button>
      </>
    }>
      <form id="create-user-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="new-user-name" label="Username" error={touched ? errors.username : undefined} hint="Lowercase letters, digits, . _ -">
          <input value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field id="new-user-password" label="Initial password" error={touched ? errors.password : undefined} hint="At least 8 characters">
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field id="new-user-role" label="Role on / (everything)" hint="Narrower roles, on one host or VM, are given under Permissions">
          <select value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            <option value="">None (grant later)</option>
          </select>
        </Field>
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
