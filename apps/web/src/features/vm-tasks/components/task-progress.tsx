// A task a form just started, followed live: its state, a progress bar that never goes back,
// the step it reports, its error by code, and Cancel while the server says it can be cancelled.
import { FINISHED_TASK_STATES, type Task } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { TaskStateIcon } from '../../../components/state-icon.tsx';
import { operationOf, progressOf } from '../../tasks/components/task-model.ts';
import { useCancelTask } from '../api/cancel-task.ts';
import { useTask } from '../api/use-task.ts';
import { useMonotonic } from './use-monotonic.ts';

interface TaskProgressProps {
  taskId: string;
  label: string;
  /** Words for the task's progress record (default: the panel's phrase). */
  describe?: (task: Task) => string | null;
  /** Show a Cancel button while the task is cancellable. */
  cancellable?: boolean;
}

export function TaskProgress({ taskId, label, describe, cancellable }: TaskProgressProps) {
  const task = useTask(taskId).data ?? null;
  const cancel = useCancelTask();
  const p = task ? progressOf(task) : { percent: null, text: null };
  const percent = useMonotonic(taskId, p.percent);
  const finished = task !== null && FINISHED_TASK_STATES.includes(task.state);
  return (
    <div className="panel task-progress" data-testid="task-progress" data-task-id={taskId} data-state={task?.state ?? 'queued'} aria-live="polite">
      <p>
        {task ? <TaskStateIcon state={task.state} /> : null} <strong>{label}</strong>: {task ? task.state : 'queued'}
        {task && !finished && (task.state === 'running' ? ` — ${describe?.(task) ?? p.text ?? operationOf(task.type)}` : '')}
      </p>
      {!finished && <ProgressBar percent={percent} label={`${label} progress`} />}
      {task?.error && <p className="field-error"><code className="error-code">{task.error.code}</code> {task.error.message}</p>}
      {cancellable && task && !finished && (
        <button type="button" id="task-cancel" data-testid="task-cancel" className="danger-outline"
          disabled={!task.cancellable || cancel.isPending} onClick={() => cancel.mutate(task.id)}>
          Cancel
        </button>
      )}
      <ErrorMessage error={cancel.error} />
    </div>
  );
}
