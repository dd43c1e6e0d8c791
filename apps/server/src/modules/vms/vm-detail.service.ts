// GET /vms/:vmId: the VM's configuration read from its XML, its state, and what waits for the
// next boot (live XML vs the persistent definition). The digest is a hash of the persistent
// definition: an edit carries it back, and a definition changed meanwhile — by Ferry, virsh or
// anyone — no longer matches (409 STALE_DIGEST).
import { createHash } from 'node:crypto';
import { parseDomain, pendingChanges } from '@ferry/domain-xml';
import { constants as C, type Connection } from '@ferry/libvirt';
import type { VmDetail } from '@ferry/contract';
import { fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { leasesByMac } from './vm-list.service.ts';
import { toVmDetail } from './vm.mapper.ts';
import { vmState, vmStateReason } from './vm-state.ts';

export interface VmDetailDeps { hosts: HostRegistry; catalog: VmCatalog }

export const definitionDigest = (inactiveXml: string): string => createHash('sha256').update(inactiveXml).digest('hex');

/** The persistent definition (what the digest covers), or the live XML of a transient VM. */
export async function readDefinition(conn: Connection, uuid: string): Promise<{ xml: string; persistent: boolean }> {
  const dom = conn.domain(uuid);
  const persistent = await dom.isPersistent();
  return { xml: await dom.getXML(persistent ? C.VIR_DOMAIN_XML_INACTIVE : 0), persistent };
}

export async function getVmDetail(deps: VmDetailDeps, uuid: string): Promise<VmDetail> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  const dom = conn.domain(uuid);
  try {
    const [liveXml, def, st, autostart, ipsByMac] = await Promise.all([
      dom.getXML(), readDefinition(conn, uuid), dom.getState(), dom.getAutostart(), leasesByMac(conn).catch(() => new Map<string, string[]>()),
    ]);
    // Hardware as it runs now; Ferry's own fields (description, tags, template) from the
    // definition, where edits write them.
    const live = parseDomain(liveXml);
    const saved = def.xml === liveXml ? live : parseDomain(def.xml);
    const config = { ...live, description: saved.description, tags: saved.tags, template: saved.template };
    const state = vmState(st.state);
    const running = state === 'running' || state === 'paused';
    const capacityByPath = new Map<string, number>();
    await Promise.all(config.disks.map(async (d) => {
      if (!d.source || !('file' in d.source)) return;
      const path = d.source.file;
      await conn.lookupVolumeByPath(path).then((v) => capacityByPath.set(path, v.capacity), () => undefined);
    }));
    const summary = {
      id: uuid, name: config.name, hostId: host.id, state, reason: vmStateReason(st.state, st.reason),
      vcpus: config.vcpus.current, memoryMiB: Math.round(config.currentMemoryKiB / 1024),
      uptimeS: await deps.catalog.uptimeS(uuid, config.name, host.record.uri, running),
      ips: config.nics.flatMap((n) => ipsByMac.get(n.mac) ?? []),
      tags: config.tags, template: config.template, stale: false,
    };
    return toVmDetail(config, {
      summary, autostart, persistent: def.persistent, digest: definitionDigest(def.xml),
      pendingChanges: running && def.persistent ? pendingChanges(liveXml, def.xml).map((p) => p.message) : [],
      capacityByPath, ipsByMac,
    });
  } catch (e) {
    throw fromLibvirt(e, 'reading the VM');
  }
}
