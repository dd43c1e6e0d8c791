// Edit and Remove on the host page, for those who may manage the host.
import { useState } from 'react';
import type { Host } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { navigate } from '../../../lib/router.tsx';
import { useCanOnHost } from '../../auth/can.ts';
import { useDeleteHost } from '../api/delete-host.ts';
import { HostFormDialog } from './host-form-dialog.tsx';

export function HostActions({ host }: { host: Host }) {
  const canManage = useCanOnHost(host.id, 'host.manage');
  const del = useDeleteHost();
  const [open, setOpen] = useState<'edit' | 'remove' | null>(null);
  if (!canManage) return null;
  const close = () => { setOpen(null); del.reset(); };
  // Not mutate()'s onSuccess: the host's {removed} event often beats the DELETE's answer, the
  // page (this component with it) goes, and a gone component's per-call callbacks never run.
  // The promise settles all the same. A refusal stays on screen through del.error.
  const leave = () => { close(); navigate('/'); };
  return (
    <div className="toolbar">
      <button type="button" id="host-edit" onClick={() => setOpen('edit')}>Edit</button>
      <button type="button" id="host-remove" className="danger-outline" onClick={() => setOpen('remove')}>Remove</button>
      {open === 'edit' && <HostFormDialog host={host} onClose={close} />}
      {open === 'remove' && (
        <ConfirmDialog title={`Stop managing ${host.name}?`} confirmLabel="Remove host" busy={del.isPending} error={del.error} onCancel={close}
          onConfirm={() => void del.mutateAsync(host.id).then(leave, () => undefined)}>
          <p>Ferry disconnects from <code>{host.uri}</code>. Its VMs keep running and its storage stays; you can add the host again later.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
