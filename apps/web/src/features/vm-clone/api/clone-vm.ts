// POST /vms/:vmId/clone → 202 { taskId, vmId }: a new VM (new name, UUID and MACs) on the same
// host, its disks copied in full — or, from a template, linked (qcow2 overlays on its disks).
// The new volumes go into `pool` (one of the host's running pools), or else each into the pool
// its source disk is in.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CloneVmBodySchema } from '@ferry/contract';
import type { z } from 'zod';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from '../../vms/api/vm-keys.ts';

export type CloneVmBody = z.input<typeof CloneVmBodySchema>;

export const cloneVm = ({ vmId, body }: { vmId: string; body: CloneVmBody }) => api('cloneVm', { params: { vmId }, body });

export function useCloneVm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: cloneVm,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.list() });
    },
  });
}
