// A pool's volumes, with a delete action per volume for those who may manage storage.
import { useState } from 'react';
import type { StorageVolume } from '@ferry/contract';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { DeleteVolumeDialog } from './delete-volume-dialog.tsx';

export function VolumeTable({ volumes, canManage }: { volumes: StorageVolume[]; canManage: boolean }) {
  const [deleting, setDeleting] = useState<StorageVolume | null>(null);
  if (volumes.length === 0) {
    return <EmptyState title="No volumes yet">{canManage && <p>Upload an ISO or a disk image, or create a VM with a new disk here.</p>}</EmptyState>;
  }
  return (
    <>
      <table className="table" aria-label="Volumes" data-testid="volume-table">
        <thead><tr><th>Volume</th><th>Format</th><th>Size</th><th>Used on host</th><th>Backing image</th>{canManage && <th><span className="sr-only">Actions</span></th>}</tr></thead>
        <tbody>
          {volumes.map((v) => (
            <tr key={v.name} data-testid="volume-row" data-volume={v.name}>
              <td title={v.path}>{v.name}</td>
              <td>{v.format}</td>
              <td>{formatBytes(v.capacityBytes)}</td>
              <td>{formatBytes(v.allocationBytes)}</td>
              <td>{v.backingStore ? <code>{v.backingStore.path}</code> : '—'}</td>
              {canManage && (
                <td><button type="button" className="danger-outline" aria-label={`Delete ${v.name}`} onClick={() => setDeleting(v)}>Delete</button></td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && <DeleteVolumeDialog volume={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}
