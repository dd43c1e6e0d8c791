// The tasks that targeted one VM, newest first: GET /tasks?targetId=<vmId> (the server filters;
// without sys.audit it answers only the caller's own). Kept live by the task events
// (app/live-updates.ts patches this list), polled only while the event stream is down.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Task } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { vmTaskKeys } from './vm-task-keys.ts';

export const VM_TASKS_SHOWN = 100;

export const getVmTasks = (vmId: string, signal?: AbortSignal): Promise<Task[]> =>
  api('listTasks', { query: { targetId: vmId, limit: VM_TASKS_SHOWN } }, { signal }).then((r) => r.items);

export const vmTasksQueryOptions = (vmId: string) => queryOptions({
  queryKey: vmTaskKeys.list(vmId),
  queryFn: ({ signal }) => getVmTasks(vmId, signal),
  refetchInterval: pollWhenOffline(3_000),
});

export const useVmTasks = (vmId: string) => useQuery(vmTasksQueryOptions(vmId));

/** Puts a task (new or changed, from an event) into a VM's cached list, newest first. */
export function upsertVmTask(tasks: Task[] | undefined, task: Task): Task[] | undefined {
  if (!tasks) return tasks;
  const i = tasks.findIndex((t) => t.id === task.id);
  if (i >= 0) return tasks.map((t, j) => (j === i ? task : t));
  return [task, ...tasks].slice(0, VM_TASKS_SHOWN);
}
