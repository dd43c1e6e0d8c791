import { useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { notify } from '../../../../components/toasts.tsx';
import { navigate } from '../../../../lib/router.tsx';
import { useDeleteVm } from '../../api/delete-vm.ts';

export function DeleteVmDialog({ vm, onClose }: { vm: VmDetail; onClose: () => void }) {
  const del = useDeleteVm();
  // Disks named by pool/volume, and disks named by file path (clones, VMs defined elsewhere):
  // the server deletes a file only when it is a volume of an active pool, and says which it kept.
  const volumes = vm.disks.filter((d) => d.device === 'disk' && !d.readonly && (d.source.volume || d.source.file));
  const [withVolumes, setWithVolumes] = useState(volumes.length > 0);
  const confirm = () => del.mutate({ vmId: vm.id, volumes: withVolumes }, {
    onSuccess: () => {
      notify(`Deleting ${vm.name}…`);
      onClose();
      navigate('/vms');
    },
  });
  return (
    <ConfirmDialog title={`Delete ${vm.name}?`} confirmLabel={`Delete ${vm.name}`} busy={del.isPending} error={del.error}
      onConfirm={confirm} onCancel={onClose}>
      <p>The VM's definition is removed from its host. This cannot be undone.</p>
      {volumes.length > 0 && (
        <label className="checkbox">
          <input type="checkbox" id="delete-volumes" checked={withVolumes} onChange={(e) => setWithVolumes(e.target.checked)} />
          Also delete its disk volumes: {volumes.map((d) => (d.source.volume ? `${d.source.pool}/${d.source.volume}` : d.source.file)).join(', ')}
        </label>
      )}
    </ConfirmDialog>
  );
}
