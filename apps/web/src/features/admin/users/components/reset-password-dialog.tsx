// A new password for someone else: their other sessions end, their API tokens keep working.
import { useState, type FormEvent } from 'react';
import { PasswordSchema, type User } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { Field } from '../../../../components/field.tsx';
import { useUpdateUser } from '../api/update-user.ts';

export function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const update = useUpdateUser();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const parsed = PasswordSchema.safeParse(password);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (parsed.success) update.mutate({ id: user.id, password }, { onSuccess: onClose });
  };
  return (
    <Dialog title={`New password for ${user.username}`} onClose={onClose} testId="reset-password-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="reset-password-form" className="primary" disabled={update.isPending}>Set password</button>
      </>
    }>
      <form id="reset-password-form" className="wizard-step" onSubmit={submit} noValidate>
        <p>Their signed-in sessions end; their API tokens keep working.</p>
        <Field id="reset-password" label="New password" error={touched && !parsed.success ? parsed.error.issues[0]?.message : undefined}>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <ErrorMessage error={update.error} />
      </form>
    </Dialog>
  );
}
