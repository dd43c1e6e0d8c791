// A new API token: a name, a role no higher than the caller's own highest (the server refuses
// more), and an optional expiry. On success the secret goes to `onCreated`, once.
import { useState, type FormEvent } from 'react';
import { CreateTokenBodySchema, type CreatedApiToken, type Role } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { Field } from '../../../../components/field.tsx';
import { rolesUpTo } from '../../admin-access.ts';
import { useCreateToken } from '../api/create-token.ts';
import { EXPIRY_CHOICES, expiresAt, type ExpiryChoice } from './token-expiry.ts';

interface Props {
  ceiling: Role | null;
  onClose: () => void;
  onCreated: (token: CreatedApiToken) => void;
}

export function CreateTokenDialog({ ceiling, onClose, onCreated }: Props) {
  const create = useCreateToken();
  const roles = rolesUpTo(ceiling);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role | ''>(roles[0] ?? '');
  const [expiry, setExpiry] = useState<ExpiryChoice>('90');
  const [date, setDate] = useState('');
  const [touched, setTouched] = useState(false);
  const exp = expiresAt(expiry, date);
  const nameError = CreateTokenBodySchema.shape.name.safeParse(name).error?.issues[0]?.message;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || exp.error || !role) return;
    create.mutate({ name: name.trim(), role, ...(exp.value ? { expiresAt: exp.value } : {}) }, {
      onSuccess: (token) => {
        // Hand the secret over and drop it from the mutation's state at once.
        onCreated(token);
        create.reset();
      },
    });
  };
  return (
    <Dialog title="New API token" onClose={onClose} testId="create-token-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="create-token-form" className="primary" id="create-token-submit" disabled={create.isPending || roles.length === 0}>Create token</button>
      </>
    }>
      <form id="create-token-form" className="wizard-step" onSubmit={submit} noValidate>
        {roles.length === 0 && <p className="warn">You hold no role anywhere, so a token of yours could do nothing.</p>}
        <Field id="token-name" label="Name" error={touched ? nameError : undefined} hint="What the token is for, e.g. backup-script">
          <input value={name} maxLength={64} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="token-role" label="Role" hint={ceiling ? `At most ${ceiling}, your own highest role` : undefined}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </Field>
        <Field id="token-expiry" label="Expires">
          <select value={expiry} onChange={(e) => setExpiry(e.target.value as ExpiryChoice)}>
            {EXPIRY_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
          </select>
        </Field>
        {expiry === 'date' && (
          <Field id="token-expiry-date" label="Expiry date" error={touched ? exp.error : undefined}>
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </Field>
        )}
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
