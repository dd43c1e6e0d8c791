import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Task } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { taskKeys } from './task-keys.ts';

/** How many recent tasks the panel keeps. */
export const RECENT_TASKS = 50;

export const getRecentTasks = (signal?: AbortSignal): Promise<Task[]> =>
  api('listTasks', { query: { limit: RECENT_TASKS } }, { signal }).then((r) => r.items);

export const recentTasksQueryOptions = () => queryOptions({
  queryKey: taskKeys.recent(),
  queryFn: ({ signal }) => getRecentTasks(signal),
  refetchInterval: pollWhenOffline(3_000),
});

export const useRecentTasks = () => useQuery(recentTasksQueryOptions());
