// POST /vms/:vmId/clone: a new VM from a stopped VM or a template, on the same host.
//
// full   every writable disk is copied into a new volume (virStorageVolCreateXMLFrom);
// linked each writable disk becomes a thin qcow2 overlay on the template's disk. Only templates
//        may be linked: a template never starts, so its disks never change under the clones.
// The new volumes go into the pool each source disk is in, or all into the body's `pool` (a
// running file-based pool on the same host). An overlay in another pool than its backing file is
// fine for qemu: the backing file is named by absolute path, with its format stated explicitly.
// Read-only disks (ISOs) are shared. New name, UUID, MACs and UEFI variable store (domain-xml's
// cloneDomainXml). The task queues behind the source VM's other operations, so an edit or a
// delete of the source cannot interleave with the copy. A failure removes what it made.
import { randomUUID } from 'node:crypto';
import {
  buildOverlayVolumeXml, buildVolumeXml, cloneDomainXml, parseDomain, parseStoragePool, parseStorageVolume, setDomainDescription, setDomainTags,
} from '@ferry/domain-xml';
import { constants as C, isNotFound, type Connection } from '@ferry/libvirt';
import type { z } from 'zod';
import type { CloneVmBodySchema } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { readDefinition } from './vm-detail.service.ts';
import { freeVolumeName, removeVolumes, volumeAt, type CreatedVolume } from './vm-disks.ts';
import { vmState } from './vm-state.ts';

type CloneBody = z.infer<typeof CloneVmBodySchema>;
export interface VmCloneDeps { hosts: HostRegistry; tasks: TaskService; catalog: VmCatalog }
export interface CloneResult { vmId: string; name: string; mode: 'full' | 'linked'; volumes: string[]; started: boolean }

export async function submitClone(deps: VmCloneDeps, sourceId: string, body: CloneBody, userId: string | null): Promise<{ taskId: string; vmId: string }> {
  const { host, conn } = await deps.hosts.findVm(sourceId);
  const mode = body.mode ?? 'full';
  await checkSource(conn, sourceId, mode);
  if (body.pool !== undefined) await checkTargetPool(conn, host.id, body.pool);
  const taken = await conn.lookupDomainByName(body.name).then(() => true, (e: unknown) => { if (isNotFound(e)) return false; throw fromLibvirt(e); });
  if (taken) throw new AppError('CONFLICT', `a VM named ${body.name} already exists on host ${host.id}`);
  const vmId = randomUUID();
  const taskId = deps.tasks.submit<CloneResult>({
    type: 'vm.clone',
    target: { kind: 'vm', id: vmId },
    queueKey: `vm:${sourceId}`,
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      await checkSource(live, sourceId, mode);
      if (body.pool !== undefined) await checkTargetPool(live, host.id, body.pool);
      const result = await runClone(live, sourceId, vmId, body, mode, ctx);
      deps.catalog.invalidate(vmId);
      return result;
    },
  });
  return { taskId, vmId };
}

async function checkSource(conn: Connection, uuid: string, mode: 'full' | 'linked'): Promise<void> {
  const [st, def] = await Promise.all([conn.domain(uuid).getState(), readDefinition(conn, uuid)]).catch((e: unknown) => { throw fromLibvirt(e, 'reading the source VM'); });
  const template = parseDomain(def.xml).template;
  if (mode === 'linked' && !template) throw new AppError('INVALID_STATE', 'linked clones are made from templates; make this VM a template first, or clone it in full');
  if (vmState(st.state) !== 'shutoff') throw new AppError('INVALID_STATE', `cannot clone a VM that is ${vmState(st.state)}: its disks are changing; shut it down first`);
}

/** Pool types whose volumes are files, which is what Ferry's qcow2 and raw copies and overlays are. */
const FILE_POOL_TYPES = new Set(['dir', 'fs', 'netfs']);

/**
 * The body's target pool: one of the host's pools (400 otherwise, like any pool a body names),
 * holding files, and running (409: nothing can be created in a stopped pool).
 */
async function checkTargetPool(conn: Connection, hostId: string, pool: string): Promise<void> {
  let summary, xml;
  try {
    [summary, xml] = await Promise.all([conn.getStoragePool(pool), conn.getStoragePoolXML(pool)]);
  } catch (e) {
    const err = fromLibvirt(e, `reading pool ${pool}`);
    throw err.code === 'NOT_FOUND' ? new AppError('BAD_REQUEST', `host ${hostId} has no storage pool named ${pool}`, { pool }) : err;
  }
  const type = parseStoragePool(xml).type;
  if (!FILE_POOL_TYPES.has(type)) {
    throw new AppError('BAD_REQUEST', `pool ${pool} is a ${type} pool; clones go into pools that hold files (dir, fs, netfs)`, { pool, type });
  }
  if (!summary.active) throw new AppError('INVALID_STATE', `pool ${pool} is stopped; start it, or clone into another pool`, { pool });
}

async function runClone(conn: Connection, sourceId: string, vmId: string, body: CloneBody, mode: 'full' | 'linked', ctx: TaskContext): Promise<CloneResult> {
  const source = (await readDefinition(conn, sourceId)).xml;
  const created: CreatedVolume[] = [];
  let defined = false;
  try {
    const disks = new Map<string, string>();
    const writable = parseDomain(source).disks.filter((d) => d.device === 'disk' && !d.readonly);
    for (const [i, disk] of writable.entries()) {
      if (!disk.source || !('file' in disk.source)) throw new AppError('BAD_REQUEST', `disk ${disk.target} is not a file volume Ferry can copy`);
      const from = await volumeAt(conn, disk.source.file);
      if (!from) throw new AppError('BAD_REQUEST', `disk ${disk.target} is not in a storage pool`);
      const info = parseStorageVolume(await conn.getVolumeXML(from.pool, from.volume));
      const format = info.format === 'raw' ? 'raw' : 'qcow2';
      const into = body.pool ?? from.pool;
      const name = await freeVolumeName(conn, into, `${body.name}-disk${i}`, mode === 'linked' ? 'qcow2' : format);
      ctx.progress({ phase: 'disks', disk: disk.target, done: i, total: writable.length });
      const vol = mode === 'linked'
        ? await conn.createVolume(into, buildOverlayVolumeXml({ name, capacityBytes: from.capacity, backing: { path: disk.source.file, format } }))
        : await conn.cloneVolume(into, buildVolumeXml({ name, capacityBytes: from.capacity, format }), from);
      created.push({ pool: into, volume: name });
      ctx.log(`${mode === 'linked' ? 'overlay' : 'copy'} of ${disk.target} (${from.pool}/${from.volume}): ${into}/${name}`);
      disks.set(disk.source.file, vol.path);
    }
    let xml = cloneDomainXml(source, { name: body.name, uuid: vmId, disks });
    if (body.description !== undefined) xml = setDomainDescription(xml, body.description);
    if (body.tags !== undefined) xml = setDomainTags(xml, body.tags);
    await conn.defineDomain(xml);
    defined = true;
    ctx.log(`defined ${body.name} (${vmId})`);
  } catch (e) {
    if (defined) await conn.domain(vmId).undefine(parseDomain(source).firmware.kind === 'uefi' ? C.VIR_DOMAIN_UNDEFINE_NVRAM : 0).catch(() => ctx.log(`could not remove the half-made clone ${vmId}`, 'error'));
    const failed = await removeVolumes(conn, created);
    if (failed.length) ctx.log(`could not remove volumes: ${failed.join(', ')}`, 'error');
    throw fromLibvirt(e, 'cloning the VM');
  }
  // The clone exists from here on: a failed start fails the task but keeps the VM.
  if (body.start) await conn.domain(vmId).start().catch((e: unknown) => { throw fromLibvirt(e, 'starting the clone'); });
  return { vmId, name: body.name, mode, volumes: created.map((v) => `${v.pool}/${v.volume}`), started: Boolean(body.start) };
}
