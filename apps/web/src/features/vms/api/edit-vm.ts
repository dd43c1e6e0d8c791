// PATCH /vms/:vmId: answers 202 { taskId }; the edit runs as a task whose result says what took
// effect now and what waits for the next boot. The hook waits for that result (long-polling
// GET /tasks/:id) so a form can show it; a failed task becomes an ApiError with the task's code.
// A stale digest (409 STALE_DIGEST, at once or when the queued task runs) means someone else
// changed the VM: the detail is refetched either way, so "reload" shows the current settings.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EditVmBody, Task } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { ApiError } from '../../../lib/api-error.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from './vm-keys.ts';

export interface EditResult { applied: string[]; pending: string[] }

const WAIT_S = 30;

async function finished(taskId: string): Promise<Task> {
  for (;;) {
    const t = await api('getTask', { params: { taskId }, query: { wait: WAIT_S } });
    if (t.state !== 'queued' && t.state !== 'running') return t;
  }
}

export async function editVm({ vmId, body }: { vmId: string; body: EditVmBody }): Promise<EditResult> {
  const { taskId } = await api('editVm', { params: { vmId }, body });
  const t = await finished(taskId);
  if (t.state !== 'succeeded') throw new ApiError(t.error?.code ?? 'INTERNAL', t.error?.message ?? `the change was ${t.state}`, 409);
  const r = (t.result ?? {}) as Partial<EditResult>;
  return { applied: r.applied ?? [], pending: r.pending ?? [] };
}

export function useEditVm(vmId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EditVmBody) => editVm({ vmId, body }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: vmKeys.detail(vmId) });
      void qc.invalidateQueries({ queryKey: taskKeys.all });
    },
  });
}
