// "Delete this volume and its data?" — the file goes; a VM using it would lose its disk.
import type { StorageVolume } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { useDeleteVolume } from '../api/delete-volume.ts';

export function DeleteVolumeDialog({ volume, onClose }: { volume: StorageVolume; onClose: () => void }) {
  const del = useDeleteVolume();
  return (
    <ConfirmDialog title={`Delete ${volume.name}?`} confirmLabel="Delete volume" busy={del.isPending} error={del.error} onCancel={onClose}
      onConfirm={() => del.mutate({ hostId: volume.hostId, pool: volume.pool, volume: volume.name }, { onSuccess: onClose })}>
      <p>The file <code>{volume.path}</code> ({formatBytes(volume.allocationBytes)} on disk) and everything in it is deleted for good.
        A VM that uses it loses that disk.</p>
    </ConfirmDialog>
  );
}
