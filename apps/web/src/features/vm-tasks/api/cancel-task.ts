// DELETE /tasks/:taskId: a queued task never runs; a running one stops where it can (409 if not).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';

export const cancelTask = (taskId: string) => api('cancelTask', { params: { taskId } });

export function useCancelTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: cancelTask,
    onSuccess: () => void qc.invalidateQueries({ queryKey: taskKeys.all }),
  });
}
