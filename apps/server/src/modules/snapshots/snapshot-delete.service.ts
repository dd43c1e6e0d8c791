// DELETE /vms/:vmId/snapshots/:name, as a task in the VM's queue: one snapshot (libvirt merges its data into what depends on it: for internal ones the
// children keep their own full copy of the state anyway; an external one's overlay is
// block-committed and its file removed), or with its children, or — admins only, checked by the
// route — its metadata only, which leaves the data in the disk files. Cases libvirt 9.0 would
// refuse (snapshot-plan.ts planDelete) are refused before anything is touched.
import { snapshotFiles, snapshotLocation } from '@ferry/domain-xml';
import { constants as C, type Connection } from '@ferry/libvirt';
import { planDelete } from './snapshot-plan.ts';
import { readSnapshot, readSnapshots, readVmFacts } from './snapshot-read.service.ts';
import { LONG_CALL_MS, refreshPools, type SnapshotDeps } from './snapshot-create.service.ts';
import { snapshotError } from './snapshot-errors.ts';

export interface DeleteOptions { children: boolean; metadataOnly: boolean }
export interface DeleteResult { deleted: string[]; metadataOnly: boolean }

export async function submitDeleteSnapshot(deps: SnapshotDeps, uuid: string, name: string, opts: DeleteOptions, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  // Checked at once when nothing is queued before it; again in the task only if it waited.
  const early = deps.tasks.pending(`vm:${uuid}`) === 0 ? await prepare(conn, uuid, name, opts) : null;
  const fresh = early !== null && deps.tasks.pending(`vm:${uuid}`) === 0;
  return deps.tasks.submit<DeleteResult>({
    type: 'vm.snapshot.delete',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      const { plan, files, external } = fresh ? early : await prepare(live, uuid, name, opts);
      const flags = (plan.children ? C.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN : 0) | (opts.metadataOnly ? C.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY : 0);
      ctx.progress({ step: external && !opts.metadataOnly ? 'merging overlays' : 'deleting' });
      try {
        await live.domain(uuid).deleteSnapshot(name, flags, LONG_CALL_MS);
      } catch (e) {
        throw snapshotError(e, 'deleting the snapshot');
      }
      const deleted = [name, ...plan.descendants];
      ctx.log(`deleted ${deleted.join(', ')}${opts.metadataOnly ? ' (metadata only: the data stays in the disk files)' : ''}`);
      if (external && !opts.metadataOnly) await refreshPools(live, files);
      deps.publish({ vmId: uuid, hostId: host.id, name, action: 'deleted', detail: { deleted, metadataOnly: opts.metadataOnly } });
      return { deleted, metadataOnly: opts.metadataOnly };
    },
  });
}

async function prepare(conn: Connection, uuid: string, name: string, opts: DeleteOptions) {
  try {
    const dom = conn.domain(uuid);
    const [set, facts] = await Promise.all([readSnapshots(dom), readVmFacts(dom)]);
    const snap = set.all.get(name) ?? await readSnapshot(dom, name); // the latter throws NOT_FOUND
    const plan = planDelete(snap, set.all, facts.state, facts.inactive.disks, opts);
    return { plan, files: snapshotFiles(snap), external: snapshotLocation(snap) === 'external' };
  } catch (e) {
    throw snapshotError(e, 'checking the snapshot');
  }
}
