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
import { UserRow, type UserAction } from './user-row.tsx';

type Pending = { kind: Exclude<UserAction, 'enable'>; user: User } | null;

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
  const act = (action: UserAction, user: User) => {
    if (action !== 'enable') return setPending({ kind: action, user });
    update.mutate({ id: user.id, disabled: false }, {
      onSuccess: () => notify(`Enabled ${user.username}`),
      onError: (e) => notify(`${user.username}: ${e.message}`, 'error'),
    });
  };

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
              <UserRow key={u.id} user={u} roles={rolesOf(grants.data, u.id)} self={u.id === me.data?.user.id} busy={update.isPending} onAction={act} />
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
