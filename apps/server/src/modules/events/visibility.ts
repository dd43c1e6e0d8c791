// What one principal may see of the stream — the same rules as the REST reads:
//   VM events     sys.read on the VM or on its host (the event names the host, so the check
//                 needs no lookup)
//   host events   sys.read on the host
//   task events   the task's own user, or sys.audit on `/`
//   stats         the host sample with sys.read on the host; each VM row with sys.read on it
// Checks are synchronous (authz.canOnChain over the grants cache) so a client's messages are
// never reordered while a check waits; a grant change applies from the next message on.
import type { EventMessage, StatsMessage } from '@ferry/contract';
import type { Authz } from '../acl/authz.ts';
import type { Principal } from '../../lib/principal.ts';
import type { StatsInterest } from './topics.ts';

export class Viewer {
  constructor(private readonly authz: Authz, readonly principal: Principal) {}

  canSee(e: EventMessage): boolean {
    switch (e.type) {
      case 'vm.state':
      case 'vm.config':
      case 'vm.event':
        return this.canSeeVm(e.vmId, e.hostId);
      case 'host.state':
        return this.canSeeHost(e.hostId);
      case 'task':
        return e.task.userId === this.principal.userId || this.authz.canOnChain(this.principal, 'sys.audit', ['/']);
    }
  }

  canSeeHost(hostId: string): boolean {
    return this.authz.canOnChain(this.principal, 'sys.read', ['/', `/hosts/${hostId}`]);
  }

  canSeeVm(vmId: string, hostId: string): boolean {
    return this.authz.canOnChain(this.principal, 'sys.read', ['/', `/hosts/${hostId}`, `/vms/${vmId}`]);
  }

  /**
   * The part of a stats sample this viewer wants and may see: the message itself when that is
   * all of it (the shared serialization is reused), a narrowed copy, or null for nothing.
   */
  statsView(msg: StatsMessage, interest: StatsInterest): StatsMessage | null {
    if (interest === null) return null;
    if (interest.whole && this.canSeeHost(msg.hostId)) return msg;
    const vms = msg.vms.filter((v) => (interest.whole || interest.vms.has(v.vmId)) && this.canSeeVm(v.vmId, msg.hostId));
    if (vms.length === 0) return null;
    return { ...msg, host: null, vms };
  }
}
