// POST /vms/:vmId/template → 202 { taskId }: a stopped VM becomes a template (it can no longer
// start; linked clones can be made from it).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from '../../vms/api/vm-keys.ts';

export const makeTemplate = (vmId: string) => api('templateVm', { params: { vmId } });

export function useMakeTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: makeTemplate,
    onSuccess: (_r, vmId) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.detail(vmId) });
    },
  });
}
