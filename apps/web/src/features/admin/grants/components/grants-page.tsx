// Who holds which role where. A role on a path applies to everything below it; removing one
// asks first.
import { useState } from 'react';
import type { Grant } from '@ferry/contract';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { useHosts } from '../../../hosts/api/get-hosts.ts';
import { useVms } from '../../../vms/api/get-vms.ts';
import { SECTION } from '../../section-style.ts';
import { useDeleteGrant } from '../api/delete-grant.ts';
import { useGrants } from '../api/get-grants.ts';
import { AddGrantDialog } from './add-grant-dialog.tsx';
import { describePath } from './grant-path.ts';

export function GrantsPage() {
  const grants = useGrants();
  const hosts = useHosts();
  const vms = useVms();
  const remove = useDeleteGrant();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Grant | null>(null);
  const close = () => { setRemoving(null); remove.reset(); };
  return (
    <div style={SECTION} data-testid="grants-page">
      <div className="toolbar">
        <button type="button" className="primary" id="add-grant-button" onClick={() => setAdding(true)}>Add permission</button>
        <span className="muted">Roles: Administrator (everything), Operator (power, console, snapshots, migration), Auditor (read, audit log).</span>
      </div>
      <ErrorMessage error={grants.error} />
      {grants.data?.length === 0 && <EmptyState title="No permissions granted"><p>Nobody can see anything until given a role.</p></EmptyState>}
      {grants.data && grants.data.length > 0 && (
        <table className="table" aria-label="Permissions">
          <thead><tr><th>User</th><th>Role</th><th>On</th><th>Path</th><th>Since</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {grants.data.map((g) => (
              <tr key={g.id} data-testid="grant-row" data-username={g.username} data-path={g.path}>
                <td>{g.username}</td>
                <td>{g.role}</td>
                <td>{describePath(g.path, hosts.data, vms.data)}</td>
                <td><code>{g.path}</code></td>
                <td>{new Date(g.createdAt).toLocaleString()}</td>
                <td>
                  <button type="button" className="danger-outline" aria-label={`Remove ${g.role} of ${g.username} on ${g.path}`}
                    onClick={() => setRemoving(g)}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && <AddGrantDialog onClose={() => setAdding(false)} />}
      {removing && (
        <ConfirmDialog title="Remove this permission?" confirmLabel="Remove permission" busy={remove.isPending} error={remove.error}
          onCancel={close} onConfirm={() => remove.mutate(removing.id, { onSuccess: close })}>
          <p>{removing.username} loses the role {removing.role} on <code>{removing.path}</code> ({describePath(removing.path, hosts.data, vms.data)}).</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
