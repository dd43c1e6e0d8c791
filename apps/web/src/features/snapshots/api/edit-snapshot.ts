// PATCH /vms/:vmId/snapshots/:name {description} → 202 { taskId }. A task in the VM's queue (the
// server redefines the snapshot with the new text, so it never races a revert or delete of it).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export interface EditSnapshotInput {
  vmId: string;
  name: string;
  description: string;
}

export const editSnapshot = ({ vmId, name, description }: EditSnapshotInput) =>
  api('editSnapshot', { params: { vmId, name }, body: { description } });

export function useEditSnapshot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: editSnapshot,
    onSuccess: (_r, { vmId }) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(vmId) });
    },
  });
}
