// How a task reads in the panel: its operation in words and its progress as a bar and a phrase.
import type { Task } from '@ferry/contract';

const OPERATION: Record<string, string> = {
  'vm.create': 'Create', 'vm.delete': 'Delete', 'vm.edit': 'Edit', 'vm.clone': 'Clone', 'vm.template': 'Make template',
  'vm.start': 'Start', 'vm.shutdown': 'Shut down', 'vm.stop': 'Stop', 'vm.reboot': 'Reboot', 'vm.reset': 'Reset',
  'vm.suspend': 'Pause', 'vm.resume': 'Resume', 'vm.migrate': 'Migrate', 'volume.upload': 'Upload',
  'vm.snapshot.create': 'Snapshot', 'vm.snapshot.revert': 'Revert snapshot', 'vm.snapshot.delete': 'Delete snapshot',
  'vm.snapshot.edit': 'Edit snapshot',
};

export const operationOf = (type: string): string => OPERATION[type] ?? type;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function progressOf(task: Task): { percent: number | null; text: string | null } {
  if (task.state === 'succeeded') return { percent: 100, text: null };
  const p = task.progress ?? {};
  const percent = num(p.percent) ?? (num(p.done) !== null && num(p.total) ? (num(p.done)! / num(p.total)!) * 100 : null)
    ?? (num(p.bytes) !== null && num(p.totalBytes) ? (num(p.bytes)! / num(p.totalBytes)!) * 100 : null);
  const words = [p.phase, p.step].filter((w): w is string => typeof w === 'string');
  const remaining = num(p.remainingS);
  if (remaining !== null) words.push(`${remaining}s left`);
  return { percent, text: words.join(', ') || null };
}

export function durationOf(task: Task, now: number): string {
  if (!task.startedAt) return '';
  const end = task.finishedAt ? Date.parse(task.finishedAt) : now;
  const s = Math.max(0, Math.round((end - Date.parse(task.startedAt)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
