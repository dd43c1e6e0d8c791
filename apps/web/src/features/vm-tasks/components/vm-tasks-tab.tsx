// The VM page's Tasks tab: every task that targeted this VM (GET /tasks?targetId=), newest
// first, live from task events; a row opens the task's log. A clone's task targets the new VM,
// so it shows on the clone's page, not here.
import { useState } from 'react';
import type { Task, VmDetail } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { TaskStateIcon } from '../../../components/state-icon.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { TaskLogDialog } from '../../tasks/components/task-log-dialog.tsx';
import { operationOf, progressOf } from '../../tasks/components/task-model.ts';
import { useVmTasks } from '../api/get-vm-tasks.ts';

export function VmTasksTab({ vm }: { vm: VmDetail }) {
  const tasks = useVmTasks(vm.id);
  const [shown, setShown] = useState<Task | null>(null);
  const current = shown && (tasks.data?.find((t) => t.id === shown.id) ?? shown);
  return (
    <div data-testid="vm-tasks">
      <ErrorMessage error={tasks.error} title="Could not load the tasks" />
      {tasks.isPending && <p className="muted">Loading tasks…</p>}
      {tasks.data && (
        <table className="table compact">
          <caption className="sr-only">Tasks of {vm.name}</caption>
          <thead><tr><th>Started</th><th>Operation</th><th>User</th><th>State</th><th>Progress</th><th>Log</th></tr></thead>
          <tbody>
            {tasks.data.map((t) => (
              <tr key={t.id} data-testid="vm-task-row" data-task-type={t.type} data-state={t.state}>
                <td>{formatTime(t.createdAt)}</td>
                <td>{operationOf(t.type)}</td>
                <td>{t.username ?? 'Ferry'}</td>
                <td><TaskStateIcon state={t.state} /> {t.state}{t.error ? <> — <code className="error-code">{t.error.code}</code> {t.error.message}</> : null}</td>
                <td>{t.state === 'running' ? <ProgressBar percent={progressOf(t).percent} label={`${operationOf(t.type)} progress`} /> : null}</td>
                <td>
                  <button type="button" className="link-button" data-testid="vm-task-log" onClick={() => setShown(t)}
                    aria-label={`Log of ${operationOf(t.type)} at ${formatTime(t.createdAt)}`}>
                    Log
                  </button>
                </td>
              </tr>
            ))}
            {tasks.data.length === 0 && <tr><td colSpan={6} className="muted">No tasks for this VM yet.</td></tr>}
          </tbody>
        </table>
      )}
      {current && <TaskLogDialog task={current} target={vm.name} onClose={() => setShown(null)} />}
    </div>
  );
}
