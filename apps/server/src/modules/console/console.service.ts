// Issuing a console ticket: the VM must exist, run, and have the console asked for, so that a
// client learns "no console" from this POST (404/409) rather than from a WebSocket refusal.
// The upgrade checks everything again: the VM may change in the ticket's 30 seconds.
import { API_PREFIX, type ConsoleKind, type ConsoleTicket } from '@ferry/contract';
import { children, child, parseXml } from '@ferry/domain-xml';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import { credentialOf, type TicketStore } from './ticket-store.ts';
import { vncEndpointOf } from './vnc-target.ts';
import { checkTunnelEndpoint, requireVncTransport } from './vnc-transport.ts';

export interface ConsoleDeps { hosts: HostRegistry; tickets: TicketStore }

export async function issueConsoleTicket(deps: ConsoleDeps, vmId: string, kind: ConsoleKind, principal: Principal): Promise<ConsoleTicket> {
  const { host, conn } = await deps.hosts.findVm(vmId);
  const dom = conn.domain(vmId);
  let xml: string;
  try {
    if (!(await dom.isActive())) throw new AppError('INVALID_STATE', 'the VM is not running');
    xml = await dom.getXML(0);
  } catch (e) {
    throw fromLibvirt(e, 'reading the VM');
  }
  if (kind === 'vnc') {
    const transport = requireVncTransport(host.record.uri);
    const { endpoint } = vncEndpointOf(xml);
    if (transport.kind === 'ssh') checkTunnelEndpoint(endpoint);
  } else {
    const devices = child(parseXml(xml), 'devices');
    if (children(devices, 'serial').length === 0 && children(devices, 'console').length === 0) {
      throw new AppError('CONSOLE_UNAVAILABLE', 'the VM has no serial console');
    }
  }
  const { ticket, expiresAt } = deps.tickets.issue({ userId: principal.userId, credential: credentialOf(principal), vmId, kind });
  return { ticket, path: `${API_PREFIX}/vms/${vmId}/console/${kind}?ticket=${ticket}`, expiresAt: expiresAt.toISOString() };
}

