// The task panel along the bottom: recent tasks, newest first, with state and progress —
// updated live from task events (app/live-updates.ts). A row opens the task's log.
import { useEffect, useState } from 'react';
import type { Task, TaskTarget } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { TaskStateIcon } from '../../../components/state-icon.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { useRecentTasks } from '../api/get-tasks.ts';
import { TaskLogDialog } from './task-log-dialog.tsx';
import { durationOf, operationOf, progressOf } from './task-model.ts';

/** The time, ticking every second while `ticking` (a running task's duration grows). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}

export function TaskPanel({ targetName }: { targetName: (t: TaskTarget) => string }) {
  const tasks = useRecentTasks();
  const [open, setOpen] = useState(true);
  const [shown, setShown] = useState<Task | null>(null);
  const running = tasks.data?.filter((t) => t.state === 'running' || t.state === 'queued').length ?? 0;
  const now = useNow(running > 0);
  const current = shown && (tasks.data?.find((t) => t.id === shown.id) ?? shown);

  return (
    <section className={`task-panel${open ? '' : ' collapsed'}`} aria-labelledby="task-panel-title" data-testid="task-panel">
      <header className="task-panel-header">
        <button type="button" className="link-button" aria-expanded={open} aria-controls="task-list" onClick={() => setOpen(!open)}>
          <h2 id="task-panel-title">Tasks</h2>
        </button>
        {running > 0 && <span className="chip" data-testid="tasks-running">{running} running</span>}
      </header>
      {open && (
        <div id="task-list" className="task-list">
          <ErrorMessage error={tasks.error} />
          <table className="table compact">
            <thead><tr><th>Started</th><th>Operation</th><th>Target</th><th>User</th><th>State</th><th>Progress</th><th>Time</th></tr></thead>
            <tbody>
              {(tasks.data ?? []).map((t) => {
                const p = progressOf(t);
                const target = targetName(t.target);
                return (
                  <tr key={t.id} data-testid="task-row" data-task-type={t.type} data-state={t.state} data-target={target}
                    tabIndex={0} className="clickable" onClick={() => setShown(t)} onKeyDown={(e) => e.key === 'Enter' && setShown(t)}>
                    <td>{formatTime(t.createdAt)}</td>
                    <td>{operationOf(t.type)}</td>
                    <td>{target}</td>
                    <td>{t.username ?? 'Ferry'}</td>
                    <td><TaskStateIcon state={t.state} /> {t.state}{t.error ? <> — <code className="error-code">{t.error.code}</code> {t.error.message}</> : null}</td>
                    <td>{t.state === 'running' ? <><ProgressBar percent={p.percent} label={`${operationOf(t.type)} progress`} /> {p.text}</> : null}</td>
                    <td>{durationOf(t, now)}</td>
                  </tr>
                );
              })}
              {tasks.data?.length === 0 && <tr><td colSpan={7} className="muted">No tasks yet.</td></tr>}
            </tbody>
          </table>
        </div>
      )}
      {current && <TaskLogDialog task={current} target={targetName(current.target)} onClose={() => setShown(null)} />}
    </section>
  );
}
