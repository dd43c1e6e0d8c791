// The VM page's task list lives under ['tasks'], so whatever refreshes all tasks (a power
// action, a resync) refreshes it too.
export const vmTaskKeys = {
  list: (vmId: string) => ['tasks', 'vm', vmId] as const,
};
