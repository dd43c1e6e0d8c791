// GET /vms: every VM on every host the caller may see. Per connected host the cost is fixed —
// one virConnectGetAllDomainStats, one network list, one DHCP-lease read per active network —
// plus one XML read for a VM the catalog has not seen yet (see vm-catalog.ts). Never a call per
// VM per request.
import { constants as C, type Connection } from '@ferry/libvirt';
import type { VmState, VmSummary } from '@ferry/contract';
import { fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { vmState, vmStateReason } from './vm-state.ts';

export interface VmListFilter {
  hostId?: string | undefined;
  state?: VmState | undefined;
  tag?: string | undefined;
  name?: string | undefined;
}

export interface VmListDeps { hosts: HostRegistry; catalog: VmCatalog }

const STATS = C.VIR_DOMAIN_STATS_STATE | C.VIR_DOMAIN_STATS_BALLOON | C.VIR_DOMAIN_STATS_VCPU;
// NOWAIT: a VM in a job that blocks queries (a migration copying disks) must not hold the list
// for libvirt's 30 s job-lock timeout; it is listed with what libvirt can say at once.

export async function listVms(deps: VmListDeps, filter: VmListFilter): Promise<VmSummary[]> {
  const hosts = deps.hosts.list().filter((h) => !filter.hostId || h.id === filter.hostId);
  const perHost = await Promise.all(hosts.map((h) => listHost(deps, h)));
  const name = filter.name?.toLowerCase();
  return perHost.flat().filter((vm) =>
    (!filter.state || vm.state === filter.state)
    && (!filter.tag || vm.tags.includes(filter.tag))
    && (!name || vm.name.toLowerCase().includes(name)));
}

async function listHost(deps: VmListDeps, host: HostSupervisor): Promise<VmSummary[]> {
  const conn = host.currentConnection();
  if (!conn) return deps.catalog.lastKnown(host.id);
  let records;
  let ipsByMac;
  try {
    [records, ipsByMac] = await Promise.all([conn.getAllDomainStats(STATS, C.VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT), leasesByMac(conn)]);
  } catch (e) {
    throw fromLibvirt(e, `listing the VMs of host ${host.id}`);
  }
  const facts = await deps.catalog.factsFor(host.id, conn, records.map((r) => r.uuid));
  const now = Date.now();
  const list = await Promise.all(records.filter((r) => facts.has(r.uuid)).map(async (r): Promise<VmSummary> => {
    const f = facts.get(r.uuid)!;
    const s = r.stats;
    const stateNum = num(s['state.state']) ?? C.VIR_DOMAIN_NOSTATE;
    const state = vmState(stateNum);
    const balloonKiB = num(s['balloon.current']);
    return {
      id: r.uuid,
      name: r.name,
      hostId: host.id,
      state,
      reason: vmStateReason(stateNum, num(s['state.reason']) ?? 0),
      vcpus: num(s['vcpu.current']) ?? f.vcpus,
      memoryMiB: balloonKiB !== undefined ? Math.round(balloonKiB / 1024) : f.memoryMiB,
      uptimeS: await deps.catalog.uptimeS(r.uuid, r.name, host.record.uri, state === 'running' || state === 'paused', now),
      ips: f.macs.flatMap((m) => ipsByMac.get(m) ?? []),
      tags: f.tags,
      template: f.template,
      stale: false,
    };
  }));
  deps.catalog.remember(host.id, list);
  return list;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** MAC → IPv4/IPv6 addresses from the DHCP leases of every active libvirt network. */
export async function leasesByMac(conn: Connection): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const networks = await conn.listNetworks(C.VIR_CONNECT_LIST_NETWORKS_ACTIVE);
  const leases = await Promise.all(networks.map((n) => conn.getDhcpLeases(n.name).catch(() => [])));
  for (const lease of leases.flat()) {
    const mac = lease.mac.toLowerCase();
    const list = out.get(mac) ?? [];
    list.push(lease.ipAddress);
    out.set(mac, list);
  }
  return out;
}
