import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateVmBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from './vm-keys.ts';

export const createVm = (body: CreateVmBody) => api('createVm', { body });

export function useCreateVm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createVm,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.list() });
    },
  });
}
