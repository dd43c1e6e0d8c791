// Storage pools on one host: list, create (directory pools), start/stop/refresh, remove.
//
// Removing a pool never deletes data: libvirt's undefine forgets the pool and leaves its
// directory and files where they are. What it does lose is Ferry's (and libvirt's) view of the
// volumes in it, so a pool that still holds volumes is refused with NOT_EMPTY unless the
// caller says `force` — they can still be found on disk, and a new pool on the same directory
// shows them again. An inactive pool cannot list its volumes, so it is started for the count
// and stopped again; one that cannot start (its directory is gone) holds nothing.
import path from 'node:path';
import { buildDirPoolXml, parseStoragePool } from '@ferry/domain-xml';
import { constants as C, isLibvirtError, isNotFound, type StoragePoolSummary } from '@ferry/libvirt';
import type { StoragePool } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { lv, type HostTarget } from './host-target.ts';
import { toPoolDto } from './storage.mapper.ts';

type Target = Pick<HostTarget, 'hostId' | 'conn'>;

export async function getPool(t: Target, name: string): Promise<StoragePool> {
  const summary = await lv('looking up the pool', () => t.conn.getStoragePool(name));
  return describe(t, summary);
}

export async function listPools(t: Target): Promise<StoragePool[]> {
  const summaries = await lv('listing pools', () => t.conn.listStoragePools());
  const pools = await Promise.all(summaries.map((s) => describe(t, s).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return null; // removed while we listed
    throw e;
  })));
  return pools.filter((p): p is StoragePool => p !== null).sort((a, b) => a.name.localeCompare(b.name));
}

async function describe(t: Target, summary: StoragePoolSummary): Promise<StoragePool> {
  const [info, xml] = await lv('reading the pool', () => Promise.all([t.conn.getStoragePoolInfo(summary.name), t.conn.getStoragePoolXML(summary.name)]));
  return toPoolDto(t.hostId, summary, info, parseStoragePool(xml));
}

export interface CreatePoolInput { name: string; path: string; autostart?: boolean | undefined }

/**
 * Defines the pool, builds it (mkdir -p; an existing directory keeps its mode and owner),
 * starts it and sets autostart. A failure after the define undefines it again, so a 201 means
 * the pool exists and runs, and an error leaves nothing behind.
 */
export async function createPool(t: Target, input: CreatePoolInput, opts: { dataDir: string }): Promise<StoragePool> {
  const dataDir = path.resolve(opts.dataDir);
  if (input.path === dataDir || input.path.startsWith(`${dataDir}/`) || dataDir.startsWith(`${input.path}/`)) {
    throw new AppError('BAD_REQUEST', "a pool may not be Ferry's data directory, inside it or above it");
  }
  const existing = await lv('listing pools', () => t.conn.listStoragePools());
  if (existing.some((p) => p.name === input.name)) throw new AppError('CONFLICT', `a pool named ${input.name} exists`);
  for (const p of existing) {
    const other = parseStoragePool(await lv('reading a pool', () => t.conn.getStoragePoolXML(p.name)));
    if (other.path === input.path) throw new AppError('CONFLICT', `pool ${p.name} already uses ${input.path}`);
  }
  try {
    await t.conn.defineStoragePool(buildDirPoolXml({ name: input.name, path: input.path }));
  } catch (e) {
    // Lost a race with another create: libvirt says "operation failed"; the name says why.
    if (await t.conn.getStoragePool(input.name).then(() => true, () => false)) throw new AppError('CONFLICT', `a pool named ${input.name} exists`);
    throw fromLibvirt(e, 'defining the pool');
  }
  try {
    await t.conn.buildStoragePool(input.name);
    await t.conn.startStoragePool(input.name);
    if (input.autostart ?? true) await t.conn.setStoragePoolAutostart(input.name, true);
  } catch (e) {
    await t.conn.stopStoragePool(input.name).catch(() => undefined);
    await t.conn.undefineStoragePool(input.name).catch(() => undefined);
    throw buildFailure(e, input.path);
  }
  return getPool(t, input.name);
}

/**
 * A directory the host could not make (a parent that is a file, a read-only mount) is the
 * caller's path, not a server fault: libvirt's message names that path and the reason
 * ("cannot create path '/srv/x/pool': Not a directory"), which the caller chose and may see.
 */
function buildFailure(e: unknown, dir: string): AppError {
  if (isLibvirtError(e) && e.code === C.VIR_ERR_SYSTEM_ERROR && e.domain === C.VIR_FROM_STORAGE) {
    return new AppError('BAD_REQUEST', `the pool directory could not be made: ${e.message}`, { path: dir });
  }
  return fromLibvirt(e, 'creating the pool directory or starting the pool');
}

export type PoolAction = 'start' | 'stop' | 'refresh';

/** Starting a running pool, or stopping or refreshing a stopped one, is INVALID_STATE (libvirt's OPERATION_INVALID). */
export async function poolAction(t: Target, name: string, action: PoolAction): Promise<StoragePool> {
  await lv(`${action === 'stop' ? 'stopping' : `${action}ing`} the pool`, () => {
    switch (action) {
      case 'start': return t.conn.startStoragePool(name);
      case 'stop': return t.conn.stopStoragePool(name);
      case 'refresh': return t.conn.refreshStoragePool(name);
    }
  });
  return getPool(t, name);
}

export async function deletePool(t: Target, name: string, force: boolean): Promise<StoragePool> {
  const before = await getPool(t, name);
  if (!force) {
    const volumes = await countVolumes(t, name, before.active);
    if (volumes > 0) {
      throw new AppError('NOT_EMPTY', `pool ${name} still holds ${volumes} volume(s); delete them first, or pass force=true to remove the pool and keep the files`, { volumes });
    }
  }
  if (before.active) await lv('stopping the pool', () => t.conn.stopStoragePool(name));
  await lv('removing the pool', () => t.conn.undefineStoragePool(name));
  return before;
}

async function countVolumes(t: Target, name: string, active: boolean): Promise<number> {
  if (active) return (await lv('listing volumes', () => t.conn.listVolumes(name))).length;
  try {
    await t.conn.startStoragePool(name);
  } catch (e) {
    if (isNotFound(e)) throw fromLibvirt(e, 'looking up the pool');
    return 0; // cannot start: its directory is gone, so nothing is in it
  }
  try {
    return (await lv('listing volumes', () => t.conn.listVolumes(name))).length;
  } finally {
    await t.conn.stopStoragePool(name).catch(() => undefined);
  }
}
