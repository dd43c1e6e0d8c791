// A VM task's operation in words. The snapshot tasks' types are vm.snapshot.* (the shared
// panel's table, tasks/components/task-model.ts, knows them as snapshot.*): named here first.
import { operationOf } from '../../tasks/components/task-model.ts';

const SNAPSHOT_OPERATIONS: Record<string, string> = {
  'vm.snapshot.create': 'Snapshot', 'vm.snapshot.revert': 'Revert snapshot',
  'vm.snapshot.delete': 'Delete snapshot', 'vm.snapshot.edit': 'Edit snapshot',
};

export const taskLabel = (type: string): string => SNAPSHOT_OPERATIONS[type] ?? operationOf(type);
