// PATCH /vms/:vmId: change a VM's definition, live where libvirt allows.
//
// Order of work, inside the VM's task queue:
//   1. the digest is checked against the persistent definition (when the request arrives, and
//      again when the task runs: an edit queued behind another one is stale by then);
//   2. device changes go through libvirt's device API with AFFECT_CONFIG, plus AFFECT_LIVE on a
//      running VM (hot-plug); when the live half is refused (the guest or machine cannot), the
//      change is made for the next boot only and reported pending;
//   3. the definition is read again and the remaining edits (vCPUs, memory, CPU, boot order,
//      description, tags) are applied to it as XML and defined once; on a running VM those
//      that libvirt cannot change live are reported pending (memory within the running
//      maximum is ballooned live);
//   4. autostart.
// Each step that took effect is in the task log and the result: {applied, pending}.
import {
  addDomainDisk, addDomainNic, DomainXmlError, findDeviceXml, nicKey, diskKey, parseDomain, setDomainBootOrder, setDomainCpu,
  setDomainDescription, setDomainMemory, setDomainTags, setDomainVcpus, updateDomainNic, type DeviceKey,
} from '@ferry/domain-xml';
import { constants as C, type Connection, type Domain } from '@ferry/libvirt';
import type { EditVmBody } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { definitionDigest, readDefinition } from './vm-detail.service.ts';
import { removeVolumes, resolveDisks, volumeAt, type CreatedVolume } from './vm-disks.ts';
import { vmState } from './vm-state.ts';

export interface VmEditDeps { hosts: HostRegistry; tasks: TaskService; catalog: VmCatalog }
export interface EditResult { applied: string[]; pending: string[] }

const CONFIG = C.VIR_DOMAIN_AFFECT_CONFIG;
const LIVE = C.VIR_DOMAIN_AFFECT_LIVE;
const GiB = 1024 ** 3;

export async function submitEdit(deps: VmEditDeps, uuid: string, body: EditVmBody, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  await checkDigest(conn, uuid, body.digest);
  return deps.tasks.submit<EditResult>({
    type: 'vm.edit',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      await checkDigest(live, uuid, body.digest);
      try {
        return await applyEdit(live, uuid, body, ctx);
      } finally {
        deps.catalog.invalidate(uuid);
      }
    },
  });
}

async function checkDigest(conn: Connection, uuid: string, digest: string): Promise<void> {
  const def = await readDefinition(conn, uuid).catch((e: unknown) => { throw fromLibvirt(e, 'reading the VM'); });
  if (!def.persistent) throw new AppError('INVALID_STATE', 'a transient VM has no definition to edit');
  if (definitionDigest(def.xml) !== digest) {
    throw new AppError('STALE_DIGEST', 'the VM changed since you read it; read it again and reapply your change');
  }
}

async function applyEdit(conn: Connection, uuid: string, body: EditVmBody, ctx: TaskContext): Promise<EditResult> {
  const dom = conn.domain(uuid);
  const running = isRunning(vmState((await dom.getState()).state));
  const out: EditResult = { applied: [], pending: [] };
  const note = (what: string, live: boolean) => {
    (live || !running ? out.applied : out.pending).push(what);
    ctx.log(live || !running ? what : `${what} (at next boot)`);
  };
  try {
    await editDevices(conn, dom, body, running, note, ctx);
    await editDefinition(conn, dom, body, running, note);
    if (body.autostart !== undefined) {
      await dom.setAutostart(body.autostart);
      note(`autostart ${body.autostart ? 'on' : 'off'}`, true);
    }
  } catch (e) {
    if (e instanceof DomainXmlError) throw new AppError(e.code === 'not-found' ? 'BAD_REQUEST' : e.code === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST', e.message);
    throw fromLibvirt(e, 'editing the VM');
  }
  return out;
}

type Note = (what: string, live: boolean) => void;

async function editDevices(conn: Connection, dom: Domain, body: EditVmBody, running: boolean, note: Note, ctx: TaskContext): Promise<void> {
  const current = async () => (running ? dom.getXML() : (await readDefinition(conn, dom.uuid)).xml);

  for (const target of body.disks?.detach ?? []) {
    const xml = findDeviceXml(await current(), diskKey(target)) ?? findDeviceXml((await readDefinition(conn, dom.uuid)).xml, diskKey(target));
    if (!xml) throw new AppError('BAD_REQUEST', `the VM has no disk ${target}`);
    note(`detached disk ${target}`, await hotplug(running, (f) => dom.detachDevice(xml, f)));
  }

  for (const r of body.disks?.resize ?? []) await resizeDisk(conn, dom, r.target, r.sizeGiB, running, note);

  if (body.disks?.add?.length) {
    const { name, disks: existing } = parseDomain(await current());
    const created: CreatedVolume[] = [];
    try {
      const disks = await resolveDisks(conn, name, body.disks.add, created, existing.length);
      for (const disk of disks) {
        const edit = addDomainDisk(await current(), disk);
        note(`added disk ${edit.target}`, await hotplug(running, (f) => dom.attachDevice(edit.deviceXml, f)));
      }
    } catch (e) {
      const failed = await removeVolumes(conn, created);
      if (failed.length) ctx.log(`could not remove volumes: ${failed.join(', ')}`, 'error');
      throw e;
    }
  }

  for (const mac of body.nics?.remove ?? []) {
    const xml = findDeviceXml(await current(), nicKey(mac));
    if (!xml) throw new AppError('BAD_REQUEST', `the VM has no NIC ${mac}`);
    note(`removed NIC ${mac}`, await hotplug(running, (f) => dom.detachDevice(xml, f)));
  }

  for (const u of body.nics?.update ?? []) {
    if (u.network && u.bridge) throw new AppError('BAD_REQUEST', 'give a network or a bridge, not both');
    const source = u.network ? { network: u.network } : u.bridge ? { bridge: u.bridge } : undefined;
    const change = { ...(u.model ? { model: u.model } : {}), ...(source ? { source } : {}), ...(u.link ? { linkState: u.link } : {}) };
    // libvirt cannot change a NIC's model on a running guest. Live, the device XML comes from the
    // live definition (it carries the runtime alias libvirt matches on).
    const liveDevice = running && !u.model ? updateDomainNic(await dom.getXML(), u.mac, change).deviceXml : null;
    const live = liveDevice !== null && await hotplugOk(() => dom.updateDevice(liveDevice, LIVE | CONFIG));
    if (!live) await dom.updateDevice(updateDomainNic((await readDefinition(conn, dom.uuid)).xml, u.mac, change).deviceXml, CONFIG);
    note(`changed NIC ${u.mac}`, live);
  }

  for (const n of body.nics?.add ?? []) {
    const network = n.bridge ? undefined : n.network ?? 'default';
    const edit = addDomainNic(await current(), { source: network ? { network } : { bridge: n.bridge! }, model: n.model ?? 'virtio', ...(n.mac ? { mac: n.mac } : {}) });
    note(`added NIC ${edit.mac}`, await hotplug(running, (f) => dom.attachDevice(edit.deviceXml, f)));
  }
}

/** Runs a device change for the definition and, on a running VM, live; false when only the definition took it. */
async function hotplug(running: boolean, act: (flags: number) => Promise<void>): Promise<boolean> {
  if (running && await hotplugOk(() => act(LIVE | CONFIG))) return true;
  await act(CONFIG);
  return false;
}

async function hotplugOk(act: () => Promise<void>): Promise<boolean> {
  try {
    await act();
    return true;
  } catch (e) {
    const err = fromLibvirt(e);
    // The guest or machine cannot take it live: fall back to the next boot. Anything else is real.
    if (err.code === 'INVALID_STATE' || err.code === 'BAD_REQUEST' || err.code === 'INTERNAL') return false;
    throw err;
  }
}

async function resizeDisk(conn: Connection, dom: Domain, target: string, sizeGiB: number, running: boolean, note: Note): Promise<void> {
  const disk = parseDomain(running ? await dom.getXML() : (await readDefinition(conn, dom.uuid)).xml).disks.find((d) => d.target === target);
  if (!disk || disk.device !== 'disk') throw new AppError('BAD_REQUEST', `the VM has no disk ${target}`);
  if (!disk.source || !('file' in disk.source)) throw new AppError('BAD_REQUEST', `disk ${target} is not a file volume Ferry can resize`);
  const vol = await conn.lookupVolumeByPath(disk.source.file).catch(() => { throw new AppError('BAD_REQUEST', `disk ${target} is not a volume of a storage pool`); });
  const bytes = Math.ceil((sizeGiB * GiB) / 512) * 512;
  if (bytes < vol.capacity) throw new AppError('INVALID_STATE', `disk ${target} is ${vol.capacity} bytes; shrinking it would destroy data`, { capacityBytes: vol.capacity });
  if (bytes === vol.capacity) return;
  // A running guest's image is open in QEMU: QEMU must grow it (and tell the guest).
  if (running) await dom.blockResize(target, bytes);
  else {
    const at = await volumeAt(conn, disk.source.file);
    if (!at) throw new AppError('BAD_REQUEST', `no storage pool holds disk ${target}`);
    await conn.resizeVolume(at.pool, at.volume, bytes);
  }
  note(`resized disk ${target} to ${sizeGiB} GiB`, true);
}

async function editDefinition(conn: Connection, dom: Domain, body: EditVmBody, running: boolean, note: Note): Promise<void> {
  const before = (await readDefinition(conn, dom.uuid)).xml;
  let xml = before;
  const old = parseDomain(before);
  if (body.vcpus !== undefined || body.cpu?.sockets !== undefined || body.cpu?.cores !== undefined || body.cpu?.threads !== undefined) {
    const total = body.vcpus ?? old.vcpus.count;
    const c = body.cpu;
    const topo = c?.sockets || c?.cores || c?.threads
      ? { sockets: c.sockets ?? 1, cores: c.cores ?? 1, threads: c.threads ?? 1 }
      : { sockets: 1, cores: total, threads: 1 };
    if (topo.sockets * topo.cores * topo.threads !== total) throw new AppError('BAD_REQUEST', `sockets × cores × threads must equal ${total} vCPUs`);
    xml = setDomainVcpus(xml, { ...topo, current: total });
    note(`vCPUs ${old.vcpus.current} → ${total}`, false);
  }
  if (body.cpu?.mode !== undefined) {
    xml = setDomainCpu(xml, body.cpu.mode === 'custom' ? { mode: 'custom', model: body.cpu.model! } : { mode: body.cpu.mode as 'host-passthrough' | 'host-model' });
    note(`CPU mode ${body.cpu.mode}`, false);
  }
  if (body.memoryMiB !== undefined) {
    xml = setDomainMemory(xml, { memoryMiB: body.memoryMiB });
    // Within what the running guest was started with, the balloon can apply it now.
    const liveMax = running ? parseDomain(await dom.getXML()).memoryKiB : 0;
    const live = running && body.memoryMiB * 1024 <= liveMax && await hotplugOk(() => dom.setMemory(body.memoryMiB! * 1024, LIVE));
    note(`memory ${body.memoryMiB} MiB`, live);
  }
  if (body.bootOrder !== undefined) {
    const keys = body.bootOrder.map((k): DeviceKey => (k.includes(':') ? nicKey(k) : diskKey(k)));
    xml = setDomainBootOrder(xml, keys);
    note(`boot order ${body.bootOrder.join(', ') || 'default'}`, false);
  }
  // Ferry's own fields: the definition is where Ferry reads them from, so they apply at once.
  if (body.description !== undefined) {
    xml = setDomainDescription(xml, body.description);
    note('description', true);
  }
  if (body.tags !== undefined) {
    xml = setDomainTags(xml, body.tags);
    note(`tags ${body.tags.join(', ') || '(none)'}`, true);
  }
  if (xml !== before) await conn.defineDomain(xml);
}

const isRunning = (s: string): boolean => s === 'running' || s === 'paused';
