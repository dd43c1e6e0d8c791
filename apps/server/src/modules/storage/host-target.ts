// How the storage and network modules reach libvirt: pools and networks belong to a host,
// chosen by `?hostId=` or, when absent, the registry's first host (FERRY_LIBVIRT_URI). Reads
// need the live connection as much as mutations do (there is no cached copy of pools or
// networks), so both refuse with HYPERVISOR_UNAVAILABLE while the host is down.
import type { Connection } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';

export interface HostTarget {
  hostId: string;
  host: HostSupervisor;
  conn: Connection;
}

export function hostTarget(hosts: Pick<HostRegistry, 'get' | 'list'>, hostId: string | undefined): HostTarget {
  const host = hostId === undefined ? hosts.list()[0] : hosts.get(hostId);
  if (!host) throw new AppError('NOT_FOUND', 'no host is configured');
  return { hostId: host.id, host, conn: host.requireConnection() };
}

/** Runs one libvirt call, mapping its failure at this boundary (see fromLibvirt). */
export async function lv<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw fromLibvirt(e, what);
  }
}
