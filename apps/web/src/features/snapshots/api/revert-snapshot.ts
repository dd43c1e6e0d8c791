// POST /vms/:vmId/snapshots/:name/revert → 202 { taskId }. A running VM's current state is
// thrown away, which the server only does with force: true (the dialog has asked first).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RevertSnapshotBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export const revertSnapshot = ({ vmId, name, body }: { vmId: string; name: string; body: RevertSnapshotBody }) =>
  api('revertSnapshot', { params: { vmId, name }, body });

export function useRevertSnapshot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revertSnapshot,
    onSuccess: (_r, { vmId }) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(vmId) });
    },
  });
}
