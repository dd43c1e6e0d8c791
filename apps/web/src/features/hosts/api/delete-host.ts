// Stop managing a host: its VMs keep running, Ferry just no longer shows or manages them.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { vmKeys } from '../../vms/api/vm-keys.ts';
import { hostKeys } from './host-keys.ts';

export const deleteHost = (hostId: string) => api('deleteHost', { params: { hostId } });

export function useDeleteHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteHost,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: hostKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.all });
    },
  });
}
