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
