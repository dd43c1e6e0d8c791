// DELETE /vms/:vmId: undefine a stopped VM, optionally with its disk volumes.
//
// Refused (409) while it runs, while it has snapshots unless ?snapshots=true, and — with
// ?volumes=true — while another volume in any running pool of the host is an overlay of one of
// its disks (a template's linked clones, which may live in another pool than the template,
// would lose their base). Read-only disks (ISOs) are never deleted.
import { parseDomain, parseStorageVolume } from '@ferry/domain-xml';
import { constants as C, type Connection } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { readDefinition } from './vm-detail.service.ts';
import { volumeAt, type CreatedVolume } from './vm-disks.ts';
import { vmState } from './vm-state.ts';

export interface VmDeleteDeps { hosts: HostRegistry; tasks: TaskService; catalog: VmCatalog }
export interface DeleteOptions { volumes: boolean; snapshots: boolean }
export interface DeleteResult { deletedVolumes: string[]; keptVolumes: string[] }

export async function submitDelete(deps: VmDeleteDeps, uuid: string, opts: DeleteOptions, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  if (deps.tasks.pending(`vm:${uuid}`) === 0) await plan(conn, uuid, opts);
  return deps.tasks.submit<DeleteResult>({
    type: 'vm.delete',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      const { volumes, uefi } = await plan(live, uuid, opts);
      // NVRAM only where there is one: some drivers refuse the flag outright.
      const flags = C.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | (uefi ? C.VIR_DOMAIN_UNDEFINE_NVRAM : 0) | (opts.snapshots ? C.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA : 0);
      await live.domain(uuid).undefine(flags).catch((e: unknown) => { throw fromLibvirt(e, 'deleting the VM'); });
      deps.catalog.invalidate(uuid);
      ctx.log('VM undefined');
      const result: DeleteResult = { deletedVolumes: [], keptVolumes: [] };
      for (const v of volumes) {
        const name = `${v.pool}/${v.volume}`;
        try {
          await live.deleteVolume(v.pool, v.volume);
          result.deletedVolumes.push(name);
          ctx.log(`deleted volume ${name}`);
        } catch {
          result.keptVolumes.push(name);
          ctx.log(`could not delete volume ${name}`, 'error');
        }
      }
      return result;
    },
  });
}

/** Checks the VM may go; returns the volumes to delete with it, and whether it has UEFI (an NVRAM file). */
async function plan(conn: Connection, uuid: string, opts: DeleteOptions): Promise<{ volumes: CreatedVolume[]; uefi: boolean }> {
  const dom = conn.domain(uuid);
  try {
    const state = vmState((await dom.getState()).state);
    if (state !== 'shutoff') throw new AppError('INVALID_STATE', `cannot delete a VM that is ${state}; stop it first`, { state });
    const snapshots = await dom.listSnapshots();
    if (snapshots.length > 0 && !opts.snapshots) {
      throw new AppError('INVALID_STATE', `the VM has ${snapshots.length} snapshot(s); delete them first or pass snapshots=true`, { snapshots: snapshots.length });
    }
    const def = parseDomain((await readDefinition(conn, uuid)).xml);
    const uefi = def.firmware.kind === 'uefi';
    if (!opts.volumes) return { volumes: [], uefi };
    const disks = def.disks.filter((d) => d.device === 'disk' && !d.readonly);
    const out: CreatedVolume[] = [];
    const paths: string[] = [];
    for (const d of disks) {
      if (!d.source || !('file' in d.source)) continue;
      const at = await volumeAt(conn, d.source.file);
      if (!at) continue; // not in a pool Ferry manages: left alone
      out.push({ pool: at.pool, volume: at.volume });
      paths.push(d.source.file);
    }
    if (paths.length > 0) await refuseIfBacking(conn, paths);
    return { volumes: out, uefi };
  } catch (e) {
    throw fromLibvirt(e, 'checking the VM');
  }
}

/**
 * Refuses while a volume of any running pool rests on one of `paths`. A stopped pool cannot be
 * listed, so overlays in it go unseen (libvirt cannot say either).
 */
async function refuseIfBacking(conn: Connection, paths: readonly string[]): Promise<void> {
  const own = new Set(paths);
  for (const pool of await conn.listStoragePools()) {
    if (!pool.active) continue;
    for (const v of await conn.listVolumes(pool.name).catch(() => [])) {
      if (own.has(v.path)) continue;
      const xml = await conn.getVolumeXML(pool.name, v.name).catch(() => null); // gone meanwhile: nothing rests on it
      const backing = xml === null ? undefined : parseStorageVolume(xml).backingStore;
      if (backing && own.has(backing.path)) {
        throw new AppError('INVALID_STATE', `volume ${pool.name}/${v.name} is an overlay of this VM's disk (a linked clone); delete the clones first`);
      }
    }
  }
}
