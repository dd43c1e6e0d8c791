// libvirt domain events → stream events (pure).
//   lifecycle defined/undefined  → vm.config (defined | updated | undefined; a rename is an update)
//   other lifecycle events       → vm.state: the state the event leads to, and its detail as a word
//   every other kind             → vm.event with libvirt's payload as plain data
// Detail words come from the generated constants (VIR_DOMAIN_EVENT_<EVENT>_<DETAIL>), the way
// vms/vm-state.ts names state reasons, so a detail libvirt adds later gets a name for free:
// STARTED_BOOTED → 'booted', STOPPED_DESTROYED → 'destroyed', SUSPENDED_PAUSED → 'paused'.
import { constants as C, LIFECYCLE_EVENT_NAMES, type DomainEvent } from '@ferry/libvirt';
import type { EventInput, VmState } from '@ferry/contract';

// A shutdown event means the guest finished shutting down while QEMU still runs: libvirt's
// state is then VIR_DOMAIN_SHUTDOWN, which the REST API reports as 'other' (vm-state.ts).
const STATE_AFTER: Readonly<Record<string, VmState>> = {
  started: 'running', suspended: 'paused', resumed: 'running', stopped: 'shutoff',
  shutdown: 'other', pmsuspended: 'pmsuspended', crashed: 'crashed',
};

const detailWords: string[][] = LIFECYCLE_EVENT_NAMES.map((event) => {
  const prefix = `VIR_DOMAIN_EVENT_${event.toUpperCase()}_`;
  const words: string[] = [];
  for (const [key, value] of Object.entries(C)) {
    if (!key.startsWith(prefix) || key.endsWith('_LAST') || typeof value !== 'number') continue;
    words[value] = key.slice(prefix.length).toLowerCase().replace(/_/g, '-');
  }
  return words;
});

/** libvirt's lifecycle detail as a word ('booted', 'destroyed' …), 'unknown' when unnamed. */
export function lifecycleDetail(event: number, detail: number): string {
  return detailWords[event]?.[detail] ?? 'unknown';
}

/** The stream event for a libvirt domain event on host `hostId`; null for none. */
export function toEventInput(hostId: string, e: DomainEvent, at: string): EventInput | null {
  const { uuid: vmId, name } = e.domain;
  if (e.kind === 'lifecycle') {
    if (e.event === C.VIR_DOMAIN_EVENT_DEFINED) {
      return { type: 'vm.config', vmId, hostId, name, change: e.detail === C.VIR_DOMAIN_EVENT_DEFINED_ADDED ? 'defined' : 'updated', at };
    }
    if (e.event === C.VIR_DOMAIN_EVENT_UNDEFINED) {
      return { type: 'vm.config', vmId, hostId, name, change: e.detail === C.VIR_DOMAIN_EVENT_UNDEFINED_RENAMED ? 'updated' : 'undefined', at };
    }
    const state = STATE_AFTER[e.eventName];
    if (!state) return null; // an event type newer than this map: the next state change corrects it
    return { type: 'vm.state', vmId, hostId, name, state, reason: lifecycleDetail(e.event, e.detail), at };
  }
  const { kind, domain: _domain, ...detail } = e;
  return { type: 'vm.event', vmId, hostId, kind, detail, at };
}
