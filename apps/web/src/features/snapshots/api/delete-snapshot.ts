// DELETE /vms/:vmId/snapshots/:name[?children=true] → 202 { taskId }. Without children, the
// snapshot's data merges into its child; with them, the whole subtree goes.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export interface DeleteSnapshotInput {
  vmId: string;
  name: string;
  children: boolean;
}

export const deleteSnapshot = ({ vmId, name, children }: DeleteSnapshotInput) =>
  api('deleteSnapshot', { params: { vmId, name }, query: { children: children ? 'true' : 'false' } });

export function useDeleteSnapshot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteSnapshot,
    onSuccess: (_r, { vmId }) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(vmId) });
    },
  });
}
