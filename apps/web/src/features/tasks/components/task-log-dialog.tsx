import { FINISHED_TASK_STATES, type Task } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { useTaskLog } from '../api/get-task-log.ts';
import { operationOf } from './task-model.ts';

export function TaskLogDialog({ task, target, onClose }: { task: Task; target: string; onClose: () => void }) {
  const running = !FINISHED_TASK_STATES.includes(task.state);
  const log = useTaskLog(task.id, running);
  return (
    <Dialog title={`${operationOf(task.type)} ${target}`} onClose={onClose} testId="task-log" wide>
      <p>State: <strong>{task.state}</strong>{task.username ? ` — by ${task.username}` : ''}</p>
      {task.error && <p className="field-error"><code className="error-code">{task.error.code}</code> {task.error.message}</p>}
      <ErrorMessage error={log.error} />
      <pre className="task-log">
        {(log.data ?? []).map((l) => `${formatTime(l.at)}  ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n') || (log.isPending ? 'Loading…' : 'No log lines.')}
      </pre>
    </Dialog>
  );
}
