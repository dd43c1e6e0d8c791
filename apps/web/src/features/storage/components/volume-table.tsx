// A pool's volumes, with resize (grow; not for ISOs) and delete per volume for those who may
// manage storage.
import { useState } from 'react';
import type { StorageVolume } from '@ferry/contract';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { DeleteVolumeDialog } from './delete-volume-dialog.tsx';
import { ResizeVolumeDialog } from './resize-volume-dialog.tsx';

interface VolumeTableProps {
  volumes: StorageVolume[];
  canManage: boolean;
  /** The pool's free space, which a volume may grow into. */
  availableBytes?: number;
}

export function VolumeTable({ volumes, canManage, availableBytes }: VolumeTableProps) {
  const [open, setOpen] = useState<{ action: 'resize' | 'delete'; volume: StorageVolume } | null>(null);
  const close = () => setOpen(null);
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
                <td className="row-actions">
                  <div className="toolbar">
                    {v.format !== 'iso' && <button type="button" aria-label={`Resize ${v.name}`} onClick={() => setOpen({ action: 'resize', volume: v })}>Resize</button>}
                    <button type="button" className="danger-outline" aria-label={`Delete ${v.name}`} onClick={() => setOpen({ action: 'delete', volume: v })}>Delete</button>
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {open?.action === 'resize' && <ResizeVolumeDialog volume={open.volume} availableBytes={availableBytes} onClose={close} />}
      {open?.action === 'delete' && <DeleteVolumeDialog volume={open.volume} onClose={close} />}
    </>
  );
}
