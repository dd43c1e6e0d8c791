// DELETE /vms/:vmId/snapshots/:name[?children=true][&metadataOnly=true] → 202 { taskId }.
// Without children, the snapshot's data merges into its child; with them, the whole subtree
// goes. metadataOnly makes libvirt forget the snapshot and leaves its data in the disk files
// (the server allows it to those holding vm.config and vm.delete on the VM).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export interface DeleteSnapshotInput {
  vmId: string;
  name: string;
  children: boolean;
  metadataOnly?: boolean;
}

export const deleteSnapshot = ({ vmId, name, children, metadataOnly }: DeleteSnapshotInput) =>
  api('deleteSnapshot', {
    params: { vmId, name },
    query: { children: children ? 'true' : 'false', ...(metadataOnly ? { metadataOnly: 'true' as const } : {}) },
  });

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
