// Delete asks first; with children, it offers to delete the whole subtree. Without, the
// snapshot's data merges into its children, which stay.
import { useState } from 'react';
import type { Snapshot, VmDetail } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { useDeleteSnapshot } from '../api/delete-snapshot.ts';

interface Props {
  vm: VmDetail;
  snapshot: Snapshot;
  onStarted: (taskId: string) => void;
  onClose: () => void;
}

export function DeleteSnapshotDialog({ vm, snapshot, onStarted, onClose }: Props) {
  const del = useDeleteSnapshot();
  const [children, setChildren] = useState(false);
  const confirm = () => del.mutate({ vmId: vm.id, name: snapshot.name, children }, { onSuccess: (r) => onStarted(r.taskId) });
  return (
    <ConfirmDialog title={`Delete snapshot ${snapshot.name}?`} confirmLabel={children ? 'Delete with children' : 'Delete snapshot'}
      busy={del.isPending} error={del.error} onConfirm={confirm} onCancel={onClose}>
      <p>The snapshot of {vm.name} is removed. This cannot be undone; the VM itself is not changed.</p>
      {snapshot.children.length > 0 && (
        <label className="checkbox">
          <input type="checkbox" id="snapshot-delete-children" checked={children} onChange={(e) => setChildren(e.target.checked)} />
          Also delete the {snapshot.children.length} snapshot{snapshot.children.length === 1 ? '' : 's'} below it ({snapshot.children.join(', ')}) and theirs
        </label>
      )}
    </ConfirmDialog>
  );
}
