// Revert asks first: the VM's disks (and memory, for a full snapshot) go back to the snapshot,
// and whatever changed since is lost. A VM that runs is reverted with force (asked here).
import { useState } from 'react';
import type { RevertSnapshotBody, Snapshot, VmDetail } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { useRevertSnapshot } from '../api/revert-snapshot.ts';

type StateChoice = 'default' | NonNullable<RevertSnapshotBody['state']>;

interface Props {
  vm: VmDetail;
  snapshot: Snapshot;
  onStarted: (taskId: string) => void;
  onClose: () => void;
}

export function RevertSnapshotDialog({ vm, snapshot, onStarted, onClose }: Props) {
  const revert = useRevertSnapshot();
  const [state, setState] = useState<StateChoice>('default');
  const running = vm.state !== 'shutoff' && vm.state !== 'crashed';
  const confirm = () => revert.mutate({
    vmId: vm.id, name: snapshot.name,
    body: { ...(state === 'default' ? {} : { state }), ...(running ? { force: true } : {}) },
  }, { onSuccess: (r) => onStarted(r.taskId) });
  return (
    <ConfirmDialog title={`Revert ${vm.name} to ${snapshot.name}?`} confirmLabel="Revert" busy={revert.isPending} error={revert.error}
      onConfirm={confirm} onCancel={onClose}>
      <p>
        The VM's disks{snapshot.memory ? ' and memory' : ''} go back to how they were at this snapshot. Changes made since are lost
        unless another snapshot holds them.
      </p>
      {running && <p className="warn" data-testid="revert-running">{vm.name} is {vm.state}: its current running state is discarded.</p>}
      <Field id="revert-state" label="Leave the VM">
        <select value={state} onChange={(e) => setState(e.target.value as StateChoice)}>
          <option value="default">As in the snapshot ({snapshot.vmState === 'running' && snapshot.memory ? 'running' : 'shut off'})</option>
          <option value="running">Running</option>
          <option value="paused">Paused</option>
          <option value="shutoff">Shut off</option>
        </select>
      </Field>
    </ConfirmDialog>
  );
}
