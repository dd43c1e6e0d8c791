// Local users: who can sign in, their roles (from their grants), and the actions on each —
// disable/enable, new password, delete. Disabling and deleting ask first.
import { useState } from 'react';
import type { Grant, User } from '@ferry/contract';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { notify } from '../../../../components/toasts.tsx';
import { useMe } from '../../../auth/api/get-me.ts';
import { useGrants } from '../../grants/api/get-grants.ts';
import { useDeleteUser } from '../api/delete-user.ts';
import { useUpdateUser } from '../api/update-user.ts';
import { useUsers } from '../api/get-users.ts';
import { SECTION } from '../../section-style.ts';
import { CreateUserDialog } from './create-user-dialog.tsx';
import { ResetPasswordDialog } from './reset-password-dialog.tsx';

type Pending = { kind: 'disable' | 'delete' | 'password'; user: User } | null;

const rolesOf = (grants: Grant[] | undefined, userId: string) =>
  (grants ?? []).filter((g) => g.userId === userId).map((g) => `${g.role} on ${g.path}`).join(', ');

export function UsersPage() {
  const users = useUsers();
  const grants = useGrants();
  const me = useMe();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const close = () => { setPending(null); update.reset(); remove.reset(); };

  return (
    <div className="admin-section" style={SECTION} data-testid="users-page">
      <div className="toolbar">
        <button type="button" className="primary" id="create-user-button" onClick={() => setCreating(true)}>New user</button>
      </div>
      <ErrorMessage error={users.error} />
      {users.data?.length === 0 && <EmptyState title="No users yet" />}
      {users.data && users.data.length > 0 && (
        <table className="table" aria-label="Users">
          <thead><tr><th>Username</th><th>Status</th><th>Roles</th><th>Created</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id} data-testid="user-row" data-username={u.username} data-disabled={u.disabled}>
                <td>{u.username}{u.id === me.data?.user.id && <span className="chip">you</span>}</td>
                <td>{u.disabled ? <span className="chip chip-warn">disabled</span> : 'active'}</td>
                <td>{rolesOf(grants.data, u.id) || <span className="muted">none</span>}</td>
                <td>{new Date(u.createdAt).toLocaleString()}</td>
                <td className="toolbar">
                  {u.disabled
                    ? <button type="button" aria-label={`Enable ${u.username}`} disabled={update.isPending}
                      onClick={() => update.mutate({ id: u.id, disabled: false }, { onSuccess: () => notify(`Enabled ${u.username}`), onError: (e) => notify(`${u.username}: ${e.message}`, 'error') })}>Enable</button>
                    : <button type="button" aria-label={`Disable ${u.username}`} onClick={() => setPending({ kind: 'disable', user: u })}>Disable</button>}
                  <button type="button" aria-label={`New password for ${u.username}`} onClick={() => setPending({ kind: 'password', user: u })}>Password…</button>
                  <button type="button" className="danger-outline" aria-label={`Delete ${u.username}`} onClick={() => setPending({ kind: 'delete', user: u })}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateUserDialog onClose={() => setCreating(false)} />}
      {pending?.kind === 'password' && <ResetPasswordDialog user={pending.user} onClose={close} />}
      {pending?.kind === 'disable' && (
        <ConfirmDialog title={`Disable ${pending.user.username}?`} confirmLabel="Disable user" busy={update.isPending} error={update.error}
          onCancel={close} onConfirm={() => update.mutate({ id: pending.user.id, disabled: true }, { onSuccess: close })}>
          <p>They cannot sign in any more, their sessions end and their API tokens stop working, until enabled again.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog title={`Delete ${pending.user.username}?`} confirmLabel="Delete user" busy={remove.isPending} error={remove.error}
          onCancel={close} onConfirm={() => remove.mutate(pending.user.id, { onSuccess: close })}>
          <p>The account goes with its sessions, API tokens and permissions. The audit log keeps what they did.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
