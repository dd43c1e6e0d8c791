// Volumes in one pool: list, create (thin), delete, grow.
//
// Space rule, shared with uploads: a new volume's size (a qcow2's virtual size) may not
// exceed the pool's free space when it is made, nor may growing one ask for more than is
// free. Thin volumes can still fill a pool later as guests write; this only stops requests
// that could never fit.
import { buildVolumeXml, parseDomain, parseStorageVolume } from '@ferry/domain-xml';
import type { StorageVolume } from '@ferry/contract';
import { constants as C, isNotFound } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { lv, type HostTarget } from './host-target.ts';
import { toVolumeDto } from './storage.mapper.ts';

type Target = Pick<HostTarget, 'hostId' | 'conn'>;

export async function getVolume(t: Target, pool: string, name: string): Promise<StorageVolume> {
  const xml = await lv('reading the volume', () => t.conn.getVolumeXML(pool, name));
  return toVolumeDto(t.hostId, pool, parseStorageVolume(xml));
}

export async function listVolumes(t: Target, pool: string): Promise<StorageVolume[]> {
  const summaries = await lv('listing volumes', () => t.conn.listVolumes(pool));
  const volumes = await Promise.all(summaries.map((s) => getVolume(t, pool, s.name).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return null; // deleted while we listed
    throw e;
  })));
  return volumes.filter((v): v is StorageVolume => v !== null).sort((a, b) => a.name.localeCompare(b.name));
}

/** Free bytes in a running pool; INVALID_STATE when it is stopped (it has no volumes to offer). */
export async function poolAvailable(t: Target, pool: string): Promise<number> {
  const summary = await lv('looking up the pool', () => t.conn.getStoragePool(pool));
  if (!summary.active) throw new AppError('INVALID_STATE', `pool ${pool} is not active`);
  return (await lv('reading the pool', () => t.conn.getStoragePoolInfo(pool))).available;
}

export function checkSpace(pool: string, needBytes: number, availableBytes: number): void {
  if (needBytes > availableBytes) {
    throw new AppError('INSUFFICIENT_SPACE', `pool ${pool} has ${availableBytes} bytes free; ${needBytes} needed`, { neededBytes: needBytes, availableBytes });
  }
}

export interface CreateVolumeInput { name: string; format: 'qcow2' | 'raw'; sizeGiB?: number | undefined; capacityBytes?: number | undefined }

export async function createVolume(t: Target, pool: string, input: CreateVolumeInput): Promise<StorageVolume> {
  const capacityBytes = input.capacityBytes ?? (input.sizeGiB ?? 0) * 2 ** 30;
  checkSpace(pool, capacityBytes, await poolAvailable(t, pool));
  await assertFree(t, pool, input.name);
  await lv('creating the volume', () => t.conn.createVolume(pool, buildVolumeXml({ name: input.name, capacityBytes, format: input.format })));
  return getVolume(t, pool, input.name);
}

/** CONFLICT when the pool already has a volume of that name (libvirt's own error is a race's fallback). */
export async function assertFree(t: Target, pool: string, name: string): Promise<void> {
  try {
    await t.conn.getVolume(pool, name);
  } catch (e) {
    if (isNotFound(e)) return;
    throw fromLibvirt(e, 'looking up the volume');
  }
  throw new AppError('CONFLICT', `pool ${pool} already has a volume named ${name}`);
}

export async function deleteVolume(t: Target, pool: string, name: string): Promise<StorageVolume> {
  const before = await getVolume(t, pool, name);
  const users = before.path ? await vmsUsing(t, before.path) : [];
  if (users.length > 0) throw new AppError('INVALID_STATE', `volume ${name} is a disk of ${users.map((u) => u.name).join(', ')}; detach it or delete the VM first`, { vms: users.map((u) => u.name) });
  await lv('deleting the volume', () => t.conn.deleteVolume(pool, name));
  return before;
}

/**
 * VMs whose definition or running configuration uses the file at `path` as a disk. One XML read
 * per VM: acceptable for a deletion or a resize, which are rare and must not get this wrong.
 */
async function vmsUsing(t: Target, path: string): Promise<Array<{ name: string; running: boolean }>> {
  const domains = await lv('listing the VMs', () => t.conn.listDomains());
  const found = await Promise.all(domains.map(async (d) => {
    const dom = t.conn.domain(d.uuid);
    const xmls = await Promise.all([dom.getXML(C.VIR_DOMAIN_XML_INACTIVE), d.id >= 0 ? dom.getXML() : Promise.resolve('')]).catch(() => ['', '']);
    const uses = xmls.some((x) => x !== '' && parseDomain(x).disks.some((disk) => disk.source !== undefined && 'file' in disk.source && disk.source.file === path));
    return uses ? { name: d.name, running: d.id >= 0 } : null;
  }));
  return found.filter((f) => f !== null);
}

/**
 * Grows a volume. Smaller than now is SHRINK_REFUSED: it would cut off the guest's data, and
 * libvirt only does it when asked with a flag Ferry never sends. The same size is a no-op.
 */
export async function resizeVolume(t: Target, pool: string, name: string, capacityBytes: number): Promise<{ before: StorageVolume; after: StorageVolume }> {
  const before = await getVolume(t, pool, name);
  if (capacityBytes < before.capacityBytes) {
    throw new AppError('SHRINK_REFUSED', `volume ${name} is ${before.capacityBytes} bytes; shrinking it to ${capacityBytes} would destroy data`, { capacityBytes: before.capacityBytes });
  }
  if (capacityBytes === before.capacityBytes) return { before, after: before };
  // Under a running guest the image is open in QEMU: only QEMU may grow it (PATCH /vms/:vmId).
  const running = before.path ? (await vmsUsing(t, before.path)).filter((u) => u.running) : [];
  if (running.length > 0) throw new AppError('INVALID_STATE', `volume ${name} is a disk of running VM ${running[0]!.name}; resize it through the VM (PATCH /vms/:vmId disks.resize)`);
  checkSpace(pool, capacityBytes - before.capacityBytes, await poolAvailable(t, pool));
  await lv('resizing the volume', () => t.conn.resizeVolume(pool, name, capacityBytes));
  return { before, after: await getVolume(t, pool, name) };
}
