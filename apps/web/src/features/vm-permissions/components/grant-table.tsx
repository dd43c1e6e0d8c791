// Grants as a table; with onRemove, each row has a Remove button. Usernames are text nodes.
import type { Grant } from '@ferry/contract';
import { formatTime } from '../../../lib/format-units.ts';

interface Props {
  grants: Pick<Grant, 'id' | 'username' | 'role' | 'path' | 'createdAt'>[];
  label: string;
  testId: string;
  onRemove?: (g: Grant['id']) => void;
}

export function GrantTable({ grants, label, testId, onRemove }: Props) {
  return (
    <table className="table compact" data-testid={testId} aria-label={label}>
      <thead><tr><th>User</th><th>Role</th><th>Path</th><th>Since</th>{onRemove && <th>Remove</th>}</tr></thead>
      <tbody>
        {grants.map((g) => (
          <tr key={g.id} data-testid="grant-row" data-username={g.username} data-role={g.role}>
            <td>{g.username}</td>
            <td>{g.role}</td>
            <td><code>{g.path}</code></td>
            <td>{formatTime(g.createdAt)}</td>
            {onRemove && (
              <td>
                <button type="button" className="danger-outline" data-testid="grant-remove" aria-label={`Remove ${g.role} of ${g.username}`}
                  onClick={() => onRemove(g.id)}>
                  Remove
                </button>
              </td>
            )}
          </tr>
        ))}
        {grants.length === 0 && <tr><td colSpan={onRemove ? 5 : 4} className="muted">None.</td></tr>}
      </tbody>
    </table>
  );
}
