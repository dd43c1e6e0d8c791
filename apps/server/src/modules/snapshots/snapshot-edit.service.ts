// PATCH /vms/:vmId/snapshots/:name: a new description, as a task in the VM's queue (so it never
// races a revert or delete of the same snapshot). It is a REDEFINE of the snapshot's own
// document (read with its secrets, so the embedded definition loses nothing) with the new
// text. libvirt makes a redefined snapshot current only when asked, so the current one is
// redefined as current.
import { editSnapshotXml } from '@ferry/domain-xml';
import { constants as C } from '@ferry/libvirt';
import { readSnapshot } from './snapshot-read.service.ts';
import type { SnapshotDeps } from './snapshot-create.service.ts';
import { snapshotError } from './snapshot-errors.ts';

export async function submitEditSnapshot(deps: SnapshotDeps, uuid: string, name: string, description: string, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  await readSnapshot(conn.domain(uuid), name);
  return deps.tasks.submit<{ name: string }>({
    type: 'vm.snapshot.edit',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const dom = host.requireConnection().domain(uuid);
      await readSnapshot(dom, name);
      try {
        const [doc, current] = await Promise.all([dom.snapshotXML(name, C.VIR_DOMAIN_SNAPSHOT_XML_SECURE), dom.snapshotIsCurrent(name)]);
        await dom.createSnapshot(editSnapshotXml(doc, { description }), C.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | (current ? C.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT : 0));
      } catch (e) {
        throw snapshotError(e, 'changing the snapshot');
      }
      ctx.log(`description of ${name} changed`);
      deps.publish({ vmId: uuid, hostId: host.id, name, action: 'edited' });
      return { name };
    },
  });
}
