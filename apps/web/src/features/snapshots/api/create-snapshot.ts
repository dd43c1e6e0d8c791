// POST /vms/:vmId/snapshots → 202 { taskId }. The server plans the snapshot when the request
// arrives, so what it refuses (raw disks for an internal one, UEFI, mixing internal and
// external, too little space for the memory) comes back at once as a 409 with its reason.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateSnapshotBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export const createSnapshot = ({ vmId, body }: { vmId: string; body: CreateSnapshotBody }) =>
  api('createSnapshot', { params: { vmId }, body });

export function useCreateSnapshot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createSnapshot,
    onSuccess: (_r, { vmId }) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(vmId) });
    },
  });
}
