// The VM page's Permissions tab: who holds which role on this VM (`/vms/<id>`), and what it
// inherits from `/` and its host. Grants are users.manage business (the server's rule for
// /acl): whoever has it adds and removes grants here; anyone else sees their own grants on
// the VM's chain, read-only, and why they cannot see more.
import { useState } from 'react';
import type { Grant, VmDetail } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { useMe } from '../../auth/api/get-me.ts';
import { useDeleteGrant } from '../../admin/grants/api/delete-grant.ts';
import { useGrants } from '../../admin/grants/api/get-grants.ts';
import { grantsFor } from '../api/grants-for.ts';
import { useUsers } from '../../admin/users/api/get-users.ts';
import { AddGrantForm } from './add-grant-form.tsx';
import { GrantTable } from './grant-table.tsx';

export function VmPermissionsTab({ vm }: { vm: VmDetail }) {
  const me = useMe();
  const manage = me.data?.privileges.includes('users.manage') ?? false;
  const grants = useGrants(manage);
  const users = useUsers(manage);
  const del = useDeleteGrant();
  const [removing, setRemoving] = useState<Grant | null>(null);

  if (me.isPending) return <p className="muted">Loading…</p>;
  if (!manage) {
    const mine = grantsFor(me.data?.grants ?? [], vm.id, vm.hostId);
    return (
      <div data-testid="vm-permissions" data-readonly="true" style={{ display: 'grid', gap: 10 }}>
        <p className="notice">Grants can be seen and changed only with the users.manage privilege (an Administrator on /). Yours on this VM:</p>
        <GrantTable grants={[...mine.own, ...mine.inherited]} label="Your grants on this VM" testId="grants-mine" />
      </div>
    );
  }
  const split = grantsFor(grants.data ?? [], vm.id, vm.hostId);
  return (
    <div data-testid="vm-permissions" data-readonly="false" style={{ display: 'grid', gap: 10 }}>
      <ErrorMessage error={grants.error ?? users.error} title="Could not load the grants" />
      <h2>On this VM</h2>
      <GrantTable grants={split.own} label="Grants on this VM" testId="grants-own"
        onRemove={(id) => setRemoving(split.own.find((g) => g.id === id) ?? null)} />
      <AddGrantForm vmId={vm.id} users={users.data ?? []} />
      <h2>Inherited from / and host {vm.hostId}</h2>
      <p className="muted">These apply to every VM below them; change them on the Administration page.</p>
      <GrantTable grants={split.inherited} label="Inherited grants" testId="grants-inherited" />
      {removing && (
        <ConfirmDialog title={`Remove ${removing.username}'s ${removing.role} role on ${vm.name}?`} confirmLabel="Remove grant"
          busy={del.isPending} error={del.error} onCancel={() => { setRemoving(null); del.reset(); }}
          onConfirm={() => del.mutate(removing.id, { onSuccess: () => setRemoving(null) })}>
          <p>{removing.username} keeps whatever other grants give them.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
