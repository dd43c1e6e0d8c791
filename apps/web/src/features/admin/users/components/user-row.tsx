// One user in the list, with the actions on them. The caller cannot disable or delete their own
// account (locking oneself out is never what was meant; another administrator can).
import type { User } from '@ferry/contract';

export type UserAction = 'disable' | 'enable' | 'password' | 'delete';

interface Props {
  user: User;
  roles: string;
  self: boolean;
  busy: boolean;
  onAction: (action: UserAction, user: User) => void;
}

export function UserRow({ user: u, roles, self, busy, onAction }: Props) {
  const selfTitle = (what: string) => (self ? `You cannot ${what} yourself` : undefined);
  return (
    <tr data-testid="user-row" data-username={u.username} data-disabled={u.disabled}>
      <td>{u.username}{self && <span className="chip">you</span>}</td>
      <td>{u.disabled ? <span className="chip chip-warn">disabled</span> : 'active'}</td>
      <td>{roles || <span className="muted">none</span>}</td>
      <td>{new Date(u.createdAt).toLocaleString()}</td>
      <td className="toolbar">
        {u.disabled
          ? <button type="button" aria-label={`Enable ${u.username}`} disabled={busy} onClick={() => onAction('enable', u)}>Enable</button>
          : <button type="button" aria-label={`Disable ${u.username}`} disabled={self} title={selfTitle('disable')} onClick={() => onAction('disable', u)}>Disable</button>}
        <button type="button" aria-label={`New password for ${u.username}`} onClick={() => onAction('password', u)}>Password…</button>
        <button type="button" className="danger-outline" aria-label={`Delete ${u.username}`} disabled={self} title={selfTitle('delete')}
          onClick={() => onAction('delete', u)}>Delete</button>
      </td>
    </tr>
  );
}
