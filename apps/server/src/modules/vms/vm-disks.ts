// Turns the API's disk specs (pool + volume, pool + size, pool + ISO) into the file-backed disks
// domain-xml builds, creating new volumes on the way. Shared by create and edit.
//
// Policy: a disk is always a volume of a storage pool Ferry can see — a body never names a host
// path. An existing volume must be qcow2 or raw as libvirt reports it, and may not be an overlay
// (a backing file would let a guest read an image nobody attached); overlays are made only by
// linked clones, from templates. New volumes are thin (qcow2 metadata only, or sparse raw).
import { buildVolumeXml, parseStorageVolume, type NewDisk } from '@ferry/domain-xml';
import type { Connection } from '@ferry/libvirt';
import type { DiskSpec } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';

export interface CreatedVolume { pool: string; volume: string }

const GiB = 1024 ** 3;

/** Resolves disk specs to disks, creating volumes for size specs; `created` lists those it made. */
export async function resolveDisks(conn: Connection, vmName: string, specs: readonly DiskSpec[], created: CreatedVolume[], firstIndex = 0): Promise<NewDisk[]> {
  const disks: NewDisk[] = [];
  let index = firstIndex;
  for (const spec of specs) {
    if ('iso' in spec) {
      const vol = await existingVolume(conn, spec.pool, spec.iso);
      disks.push({ kind: 'cdrom', source: { file: vol.path }, bus: spec.bus ?? 'sata' });
      continue;
    }
    const common = { bus: spec.bus ?? 'virtio', ...(spec.cache ? { cache: spec.cache } : {}), ...(spec.discard ? { discard: 'unmap' as const } : {}) };
    if ('volume' in spec) {
      const vol = await existingVolume(conn, spec.pool, spec.volume);
      if (vol.format !== 'qcow2' && vol.format !== 'raw') {
        throw new AppError('BAD_REQUEST', `volume ${spec.pool}/${spec.volume} is ${vol.format ?? 'of unknown format'}; a disk must be qcow2 or raw (attach ISOs with {pool, iso})`);
      }
      if (vol.backing) throw new AppError('BAD_REQUEST', `volume ${spec.pool}/${spec.volume} has a backing file; only linked clones of templates may`);
      disks.push({ kind: 'disk', source: { file: vol.path }, format: vol.format, ...common });
      continue;
    }
    const format = spec.format ?? 'qcow2';
    const name = await freeVolumeName(conn, spec.pool, `${vmName}-disk${index}`, format);
    index++;
    const capacityBytes = Math.ceil((spec.sizeGiB * GiB) / 512) * 512;
    const info = await conn.getStoragePoolInfo(spec.pool).catch((e: unknown) => { throw poolError(e, spec.pool); });
    // Thin volumes may outgrow the pool later; refusing what cannot fit even now is the useful check.
    if (capacityBytes > info.capacity) throw new AppError('BAD_REQUEST', `pool ${spec.pool} holds ${fmtGiB(info.capacity)} in all; a ${fmtGiB(capacityBytes)} disk cannot fit`);
    let vol;
    try {
      vol = await conn.createVolume(spec.pool, buildVolumeXml({ name, capacityBytes, format }));
    } catch (e) {
      throw fromLibvirt(e, `creating volume ${spec.pool}/${name}`);
    }
    created.push({ pool: spec.pool, volume: name });
    disks.push({ kind: 'disk', source: { file: vol.path }, format, ...common });
  }
  return disks;
}

/** Deletes volumes made for a VM whose creation failed; best effort, logged by the caller. */
export async function removeVolumes(conn: Connection, volumes: readonly CreatedVolume[]): Promise<string[]> {
  const failed: string[] = [];
  for (const v of volumes) {
    await conn.deleteVolume(v.pool, v.volume).catch(() => failed.push(`${v.pool}/${v.volume}`));
  }
  return failed;
}

/** The pool and name of the volume at `path`, or null when no pool Ferry sees holds it. */
export async function volumeAt(conn: Connection, path: string): Promise<(CreatedVolume & { capacity: number }) | null> {
  for (const pool of await conn.listStoragePools()) {
    if (!pool.active) continue;
    const vol = (await conn.listVolumes(pool.name).catch(() => [])).find((v) => v.path === path);
    if (vol) return { pool: pool.name, volume: vol.name, capacity: vol.capacity };
  }
  return null;
}

/** A volume name not yet taken in `pool`: `<base>.<format>`, or `<base>-2.<format>` … */
export async function freeVolumeName(conn: Connection, pool: string, base: string, format: string): Promise<string> {
  const taken = new Set((await conn.listVolumes(pool).catch((e: unknown) => { throw poolError(e, pool); })).map((v) => v.name));
  for (let i = 1; ; i++) {
    const name = `${base}${i === 1 ? '' : `-${i}`}.${format}`;
    if (!taken.has(name)) return name;
  }
}

async function existingVolume(conn: Connection, pool: string, name: string): Promise<{ path: string; format: string | undefined; backing: boolean }> {
  try {
    const xml = parseStorageVolume(await conn.getVolumeXML(pool, name));
    if (!xml.path) throw new AppError('BAD_REQUEST', `volume ${pool}/${name} has no path`);
    return { path: xml.path, format: xml.format, backing: xml.backingStore !== undefined };
  } catch (e) {
    throw poolError(e, pool, name);
  }
}

function poolError(e: unknown, pool: string, volume?: string): AppError {
  const err = fromLibvirt(e, volume ? `reading volume ${pool}/${volume}` : `reading pool ${pool}`);
  // A missing pool or volume named in a body is the caller's mistake, not a missing route target.
  return err.code === 'NOT_FOUND' ? new AppError('BAD_REQUEST', err.message, { pool, ...(volume ? { volume } : {}) }) : err;
}

const fmtGiB = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`;
