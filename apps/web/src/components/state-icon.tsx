// Status dots for VMs, hosts and tasks: a colour and a shape (so state never rests on colour
// alone), with the state as text for screen readers and as a tooltip.
import type { HostState, TaskState, VmState } from '@ferry/contract';

type Tone = 'ok' | 'warn' | 'bad' | 'off' | 'busy';

const VM_TONE: Record<VmState, Tone> = {
  running: 'ok', paused: 'warn', pmsuspended: 'warn', shutoff: 'off', crashed: 'bad', other: 'warn',
};
const HOST_TONE: Record<HostState, Tone> = { connected: 'ok', connecting: 'busy', disconnected: 'bad' };
const TASK_TONE: Record<TaskState, Tone> = {
  queued: 'off', running: 'busy', succeeded: 'ok', failed: 'bad', cancelled: 'warn', interrupted: 'warn',
};

function Dot({ tone, label }: { tone: Tone; label: string }) {
  return (
    <span className={`state-dot state-${tone}`} role="img" aria-label={label} title={label}>
      <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
        {tone === 'ok' && <circle cx="5" cy="5" r="4.5" />}
        {tone === 'off' && <circle cx="5" cy="5" r="3.5" fill="none" strokeWidth="1.6" />}
        {tone === 'bad' && <path d="M1 1h8v8H1z" />}
        {tone === 'warn' && <path d="M5 .5 9.5 9h-9z" />}
        {tone === 'busy' && <path d="M5 .5a4.5 4.5 0 1 0 4.5 4.5H5z" />}
      </svg>
    </span>
  );
}

export const VmStateIcon = ({ state }: { state: VmState }) => <Dot tone={VM_TONE[state]} label={state} />;
export const HostStateIcon = ({ state }: { state: HostState }) => <Dot tone={HOST_TONE[state]} label={state} />;
export const TaskStateIcon = ({ state }: { state: TaskState }) => <Dot tone={TASK_TONE[state]} label={state} />;

/** A state as a labelled badge (icon + word). */
export function VmStateBadge({ state, testId = 'vm-state' }: { state: VmState; testId?: string }) {
  return (
    <span className={`badge badge-${VM_TONE[state]}`} data-testid={testId} data-state={state}>
      <VmStateIcon state={state} /> {state}
    </span>
  );
}
