// Delete asks first; with children, it offers to delete the whole subtree. Without, the
// snapshot's data merges into its children, which stay. An Administrator (vm.config and
// vm.delete on the VM, the server's rule) may instead have libvirt forget the snapshot and keep
// its data — for snapshots libvirt cannot delete (e.g. an older external one of a shut-off VM)
// or ones made outside Ferry; others see that choice disabled, with the reason.
import { useState } from 'react';
import type { Snapshot, VmDetail } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { useDeleteSnapshot } from '../api/delete-snapshot.ts';

interface Props {
  vm: VmDetail;
  snapshot: Snapshot;
  /** Whether the caller may delete metadata only (vm.config and vm.delete on the VM). */
  mayKeepData: boolean;
  onStarted: (taskId: string, metadataOnly: boolean) => void;
  onClose: () => void;
}

/** Where the data of a forgotten snapshot stays, in the admin's terms. */
const keptWhere = (s: Snapshot): string => (s.location === 'internal'
  ? 'inside the qcow2 disk files (qemu-img snapshot -l lists it), still taking space'
  : 'in its overlay files, which stay in the disk chain the VM uses');

export function DeleteSnapshotDialog({ vm, snapshot, mayKeepData, onStarted, onClose }: Props) {
  const del = useDeleteSnapshot();
  const [children, setChildren] = useState(false);
  const [metadataOnly, setMetadataOnly] = useState(false);
  const confirm = () => del.mutate({ vmId: vm.id, name: snapshot.name, children, metadataOnly }, { onSuccess: (r) => onStarted(r.taskId, metadataOnly) });
  const label = metadataOnly ? (children ? 'Forget with children, keep data' : 'Forget, keep data') : children ? 'Delete with children' : 'Delete snapshot';
  return (
    <ConfirmDialog title={`Delete snapshot ${snapshot.name}?`} confirmLabel={label}
      busy={del.isPending} error={del.error} onConfirm={confirm} onCancel={onClose}>
      {metadataOnly
        ? <p>libvirt forgets snapshot {snapshot.name} of {vm.name}; nothing is merged or removed from the disks.</p>
        : <p>The snapshot of {vm.name} is removed. This cannot be undone; the VM itself is not changed.</p>}
      {snapshot.children.length > 0 && (
        <label className="checkbox">
          <input type="checkbox" id="snapshot-delete-children" checked={children} onChange={(e) => setChildren(e.target.checked)} />
          Also delete the {snapshot.children.length} snapshot{snapshot.children.length === 1 ? '' : 's'} below it ({snapshot.children.join(', ')}) and theirs
        </label>
      )}
      <div data-testid="snapshot-keep-data" style={{ display: 'grid', gap: 2, marginTop: 8 }}>
        <label className="checkbox" title={mayKeepData ? undefined : 'Needs the vm.config and vm.delete privileges on this VM (Administrator)'}>
          <input type="checkbox" id="snapshot-delete-metadata-only" checked={metadataOnly} disabled={!mayKeepData}
            aria-describedby="snapshot-delete-metadata-only-hint" onChange={(e) => setMetadataOnly(e.target.checked)} />
          Remove from Ferry and libvirt only, keep the data
        </label>
        <small id="snapshot-delete-metadata-only-hint" className="muted">
          {mayKeepData
            ? `The snapshot's data stays ${keptWhere(snapshot)}; nothing lists it any more and it can no longer be reverted to.`
            : 'Only an Administrator (vm.config and vm.delete on this VM) may remove the record and keep the data.'}
        </small>
      </div>
    </ConfirmDialog>
  );
}
