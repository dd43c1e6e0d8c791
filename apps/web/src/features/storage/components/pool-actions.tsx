// The pool page's buttons for those with storage.manage on the host: upload, new volume,
// rescan, start/stop (stopping asks first: VMs with disks in it cannot start meanwhile), and
// remove (asks first; the files stay), which returns to the host's pool list.
import { useState } from 'react';
import type { StoragePool } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { navigate } from '../../../lib/router.tsx';
import { usePoolAction } from '../api/pool-action.ts';
import { CreateVolumeDialog } from './create-volume-dialog.tsx';
import { DeletePoolDialog } from './delete-pool-dialog.tsx';
import { UploadDialog } from './upload-dialog.tsx';

type Open = 'upload' | 'create' | 'stop' | 'delete' | null;

export function PoolActions({ hostId, pool: p, volumeCount }: { hostId: string; pool: StoragePool; volumeCount: number | undefined }) {
  const action = usePoolAction();
  const [open, setOpen] = useState<Open>(null);
  const close = () => { setOpen(null); action.reset(); };
  const run = (a: 'start' | 'refresh') => action.mutate({ hostId, pool: p.name, action: a });
  const inactive = p.active ? undefined : 'Start the pool first';
  return (
    <div className="toolbar">
      <button type="button" className="primary" id="upload-button" disabled={!p.active} title={inactive} onClick={() => setOpen('upload')}>Upload image</button>
      <button type="button" id="create-volume-button" disabled={!p.active} title={inactive} onClick={() => setOpen('create')}>New volume</button>
      <button type="button" id="pool-refresh" disabled={!p.active || action.isPending} onClick={() => run('refresh')}>Rescan</button>
      {p.active
        ? <button type="button" id="pool-stop" onClick={() => setOpen('stop')}>Stop</button>
        : <button type="button" id="pool-start" disabled={action.isPending} onClick={() => run('start')}>Start</button>}
      <button type="button" id="pool-delete" className="danger-outline" onClick={() => setOpen('delete')}>Remove</button>
      {open === null && <ErrorMessage error={action.error} />}
      {open === 'upload' && <UploadDialog hostId={hostId} pool={p} onClose={close} />}
      {open === 'create' && <CreateVolumeDialog hostId={hostId} pool={p} onClose={close} />}
      {open === 'delete' && (
        <DeletePoolDialog pool={p} volumeCount={volumeCount} onClose={close} onDeleted={() => { close(); navigate(`/storage/${hostId}`); }} />
      )}
      {open === 'stop' && (
        <ConfirmDialog title={`Stop ${p.name}?`} confirmLabel="Stop pool" busy={action.isPending} error={action.error} onCancel={close}
          onConfirm={() => action.mutate({ hostId, pool: p.name, action: 'stop' }, { onSuccess: close })}>
          <p>Its files stay where they are, but VMs with disks in it cannot start until it is started again.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
