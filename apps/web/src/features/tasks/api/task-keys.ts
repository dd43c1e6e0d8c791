export const taskKeys = {
  all: ['tasks'] as const,
  recent: () => ['tasks', 'recent'] as const,
  log: (taskId: string) => ['tasks', 'log', taskId] as const,
};
