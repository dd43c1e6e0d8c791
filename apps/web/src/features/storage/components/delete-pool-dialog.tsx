// "Remove this pool?" — libvirt forgets it; its directory and files stay on disk. A pool that
// still holds volumes is refused (NOT_EMPTY) unless the box saying so is ticked (force): the
// files stay, but Ferry and libvirt no longer see them until a pool on that directory does.
import { useState } from 'react';
import type { StoragePool } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { isApiError } from '../../../lib/api-error.ts';
import { useDeletePool } from '../api/delete-pool.ts';

interface DeletePoolDialogProps {
  pool: StoragePool;
  /** How many volumes the pool lists; undefined while unknown. */
  volumeCount: number | undefined;
  onClose: () => void;
  onDeleted: () => void;
}

export function DeletePoolDialog({ pool, volumeCount, onClose, onDeleted }: DeletePoolDialogProps) {
  const del = useDeletePool();
  const [force, setForce] = useState(false);
  const refusedNotEmpty = isApiError(del.error) && del.error.code === 'NOT_EMPTY';
  const holds = (volumeCount ?? 0) > 0 || refusedNotEmpty;
  return (
    <ConfirmDialog title={`Remove pool ${pool.name}?`} confirmLabel="Remove pool" busy={del.isPending} error={del.error} onCancel={onClose}
      onConfirm={() => del.mutate({ hostId: pool.hostId, pool: pool.name, force: holds && force }, { onSuccess: onDeleted })}>
      <p>The pool is stopped and removed from the host. Its directory {pool.path && <code>{pool.path}</code>} and the files in it stay on disk.</p>
      {holds && (
        <label className="checkbox">
          <input type="checkbox" id="pool-delete-force" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Remove it although it holds {volumeCount ? `${volumeCount} volume${volumeCount === 1 ? '' : 's'}` : 'volumes'}: VMs with disks there will not start
        </label>
      )}
    </ConfirmDialog>
  );
}
