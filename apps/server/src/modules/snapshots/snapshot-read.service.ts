// Reading a VM's snapshots: every document (in parallel: one libvirt call each), the current
// one, and the facts the tree shows beside them (revertible here? size of overlay files?).
// Also the facts the mutations decide with (snapshot-plan.ts), read the same way.
import { domainSnapshotFacts, parseDomain, parseSnapshot, snapshotFiles, type DomainConfig, type SnapshotXml } from '@ferry/domain-xml';
import { constants as C, isNotFound, type Connection, type Domain } from '@ferry/libvirt';
import type { Snapshot, SnapshotListSchema } from '@ferry/contract';
import type { z } from 'zod';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import { vmState } from '../vms/vm-state.ts';
import { toSnapshotTree } from './snapshot.mapper.ts';
import { libVersionNumber, type ExistingSnapshots, type VmFacts } from './snapshot-plan.ts';

export interface SnapshotReadDeps { hosts: HostRegistry }

export interface SnapshotSet { all: Map<string, SnapshotXml>; current: string | null }

export async function readSnapshots(dom: Domain): Promise<SnapshotSet> {
  const [names, current] = await Promise.all([dom.listSnapshots(), dom.currentSnapshot()]);
  // One deleted between the list and its read (another client, another host's task) is skipped.
  const docs = await Promise.all(names.map(async (n) => dom.snapshotXML(n).then(parseSnapshot, (e: unknown) => { if (isNotFound(e)) return null; throw e; })));
  return { all: new Map(docs.filter((d) => d !== null).map((d) => [d.name, d])), current };
}

/** One snapshot's document; NOT_FOUND with the snapshot's name when there is none. */
export async function readSnapshot(dom: Domain, name: string): Promise<SnapshotXml> {
  try {
    return parseSnapshot(await dom.snapshotXML(name));
  } catch (e) {
    const err = fromLibvirt(e, 'reading the snapshot');
    throw err.code === 'NOT_FOUND' ? new AppError('NOT_FOUND', `the VM has no snapshot named ${name}`) : err;
  }
}

/** The VM's state and definition (live when it runs: that has the agent's connection state). */
export async function readVmFacts(dom: Domain): Promise<VmFacts & { inactive: DomainConfig }> {
  const state = vmState((await dom.getState()).state);
  const live = state === 'running' || state === 'paused';
  const [xml, inactiveXml] = await Promise.all([dom.getXML(), live ? dom.getXML(C.VIR_DOMAIN_XML_INACTIVE) : null]);
  const config = parseDomain(xml);
  return { name: config.name, state, config, hostdevs: domainSnapshotFacts(xml).hostdevs, inactive: inactiveXml ? parseDomain(inactiveXml) : config };
}

/** Names and locations of the VM's snapshots, in two calls (libvirt filters by location). */
export async function readExisting(dom: Domain): Promise<ExistingSnapshots> {
  const [internal, external] = await Promise.all([
    dom.listSnapshots(C.VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL),
    dom.listSnapshots(C.VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL),
  ]);
  return { names: [...internal, ...external], internal: internal.length, external: external.length };
}

export async function libVersion(conn: Connection): Promise<number> {
  return libVersionNumber(await conn.getLibVersion());
}

async function sizesOf(conn: Connection, all: Iterable<SnapshotXml>): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  await Promise.all([...all].map(async (s) => {
    const files = snapshotFiles(s);
    if (files.length === 0) return;
    try {
      const vols = await Promise.all(files.map((f) => conn.lookupVolumeByPath(f)));
      out.set(s.name, vols.reduce((sum, v) => sum + v.allocation, 0));
    } catch {
      out.set(s.name, null); // not in a storage pool libvirt knows (made outside Ferry)
    }
  }));
  return out;
}

export async function listSnapshots(deps: SnapshotReadDeps, uuid: string): Promise<z.input<typeof SnapshotListSchema>> {
  const { conn } = await deps.hosts.findVm(uuid);
  try {
    const dom = conn.domain(uuid);
    const [set, facts, version] = await Promise.all([readSnapshots(dom), readVmFacts(dom), libVersion(conn)]);
    const sizes = await sizesOf(conn, set.all.values());
    const items = toSnapshotTree(set.all, { current: set.current, libVersion: version, currentDisks: facts.inactive.disks, sizes });
    return { items, current: set.current };
  } catch (e) {
    throw fromLibvirt(e, 'reading the snapshots');
  }
}

export async function getSnapshot(deps: SnapshotReadDeps, uuid: string, name: string): Promise<Snapshot> {
  const list = await listSnapshots(deps, uuid);
  const found = list.items.find((s) => s.name === name);
  if (!found) throw new AppError('NOT_FOUND', `the VM has no snapshot named ${name}`);
  return found;
}
