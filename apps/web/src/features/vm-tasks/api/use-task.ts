// One task followed live, e.g. the one a form just started: read from the recent-tasks list,
// which every task event patches (app/live-updates.ts) and which polls while the stream is down.
import { useQuery } from '@tanstack/react-query';
import type { Task } from '@ferry/contract';
import { recentTasksQueryOptions } from '../../tasks/api/get-tasks.ts';

export const useTask = (taskId: string | null) => useQuery({
  ...recentTasksQueryOptions(),
  enabled: taskId !== null,
  select: (tasks: Task[]) => tasks.find((t) => t.id === taskId) ?? null,
});
