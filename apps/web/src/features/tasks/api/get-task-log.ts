import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TaskLogLine } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from './task-keys.ts';

export const getTaskLog = (taskId: string, signal?: AbortSignal): Promise<TaskLogLine[]> =>
  api('getTaskLog', { params: { taskId } }, { signal }).then((r) => r.items);

export const taskLogQueryOptions = (taskId: string, running: boolean) => queryOptions({
  queryKey: taskKeys.log(taskId),
  queryFn: ({ signal }) => getTaskLog(taskId, signal),
  // Log lines are not events: follow a running task's log by asking again.
  refetchInterval: running ? 1_000 : false,
});

export const useTaskLog = (taskId: string, running: boolean) => useQuery(taskLogQueryOptions(taskId, running));
