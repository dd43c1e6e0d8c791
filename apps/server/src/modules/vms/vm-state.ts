// libvirt's domain states (virDomainState) as the API names them.
import { constants as C } from '@ferry/libvirt';
import type { VmState } from '@ferry/contract';

export function vmState(state: number): VmState {
  switch (state) {
    case C.VIR_DOMAIN_RUNNING:
    case C.VIR_DOMAIN_BLOCKED: // running, waiting on a resource
      return 'running';
    case C.VIR_DOMAIN_PAUSED: return 'paused';
    case C.VIR_DOMAIN_SHUTOFF: return 'shutoff';
    case C.VIR_DOMAIN_CRASHED: return 'crashed';
    case C.VIR_DOMAIN_PMSUSPENDED: return 'pmsuspended';
    default: return 'other'; // nostate, or shutting down
  }
}

// Reason names come from the generated constants (VIR_DOMAIN_<STATE>_<REASON>), except for the
// 'shutdown' state, whose prefix libvirt shares with virDomainShutdown's flags.
const REASON_PREFIX: Readonly<Record<number, string>> = {
  [C.VIR_DOMAIN_NOSTATE]: 'VIR_DOMAIN_NOSTATE_',
  [C.VIR_DOMAIN_RUNNING]: 'VIR_DOMAIN_RUNNING_',
  [C.VIR_DOMAIN_BLOCKED]: 'VIR_DOMAIN_BLOCKED_',
  [C.VIR_DOMAIN_PAUSED]: 'VIR_DOMAIN_PAUSED_',
  [C.VIR_DOMAIN_SHUTOFF]: 'VIR_DOMAIN_SHUTOFF_',
  [C.VIR_DOMAIN_CRASHED]: 'VIR_DOMAIN_CRASHED_',
  [C.VIR_DOMAIN_PMSUSPENDED]: 'VIR_DOMAIN_PMSUSPENDED_',
};
const SHUTDOWN_REASONS = ['unknown', 'user'];
const reasonNames = new Map<number, string[]>();
for (const [state, prefix] of Object.entries(REASON_PREFIX)) {
  const names: string[] = [];
  for (const [key, value] of Object.entries(C)) {
    if (!key.startsWith(prefix) || key.endsWith('_LAST') || typeof value !== 'number') continue;
    const rest = key.slice(prefix.length);
    if (rest.startsWith('DISK_')) continue; // VIR_DOMAIN_PMSUSPENDED_DISK_*: another state
    names[value] = rest.toLowerCase().replace(/_/g, '-');
  }
  reasonNames.set(Number(state), names);
}
reasonNames.set(C.VIR_DOMAIN_SHUTDOWN, SHUTDOWN_REASONS);

/** libvirt's reason for a state, as a lowercase word ('booted', 'destroyed', 'user' …). */
export function vmStateReason(state: number, reason: number): string {
  return reasonNames.get(state)?.[reason] ?? 'unknown';
}
