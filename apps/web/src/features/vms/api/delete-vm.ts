import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from './vm-keys.ts';

export interface DeleteVmInput {
  vmId: string;
  /** Also delete the VM's disk volumes (never ISOs). */
  volumes: boolean;
}

export const deleteVm = ({ vmId, volumes }: DeleteVmInput) =>
  api('deleteVm', { params: { vmId }, query: { volumes: volumes ? 'true' : 'false' } });

export function useDeleteVm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteVm,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.list() });
    },
  });
}
