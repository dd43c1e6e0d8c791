// One power action on many VMs: POST /vms/power answers with one result per VM.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { BulkPowerBodySchema } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from './vm-keys.ts';

export type BulkPowerBody = z.input<typeof BulkPowerBodySchema>;
export type BulkAction = BulkPowerBody['action'];

export const bulkPower = (body: BulkPowerBody) => api('bulkPower', { body });

export function useBulkPower() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: bulkPower,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.list() });
    },
  });
}
