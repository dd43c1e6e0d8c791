// POST /vms/:vmId/snapshots/:name/revert: put the VM back to a snapshot, as a task in its queue.
//
// Checked first (snapshot-plan.ts planRevert), at the request and again when the task runs:
// the snapshot can be reverted on this host (external ones need libvirt ≥ 9.9), and a running
// or paused VM is reverted only with force: true — its running state is not in any snapshot
// and would be gone. Then one virDomainRevertToSnapshot, which libvirt does whole or not at all.
//
// The state afterwards: the snapshot's own unless the caller asks otherwise. 'running' and
// 'paused' are libvirt's REVERT_RUNNING / REVERT_PAUSED. 'shutoff' from a full snapshot is a
// revert to paused (the guest never runs an instruction) and then a hard stop: the disks are
// as in the snapshot, the memory state stays in the snapshot for a later revert.
import { constants as C, type Connection } from '@ferry/libvirt';
import type { RevertSnapshotBody } from '@ferry/contract';
import { vmState } from '../vms/vm-state.ts';
import { planRevert, type RevertPlan } from './snapshot-plan.ts';
import { libVersion, readSnapshot, readVmFacts } from './snapshot-read.service.ts';
import { LONG_CALL_MS, type SnapshotDeps } from './snapshot-create.service.ts';
import { snapshotError } from './snapshot-errors.ts';
import type { SnapshotXml } from '@ferry/domain-xml';

export interface RevertResult { name: string; state: string }

export async function submitRevert(deps: SnapshotDeps, uuid: string, name: string, body: RevertSnapshotBody, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  // Checked at once when nothing is queued before it; again in the task only if it waited.
  const early = deps.tasks.pending(`vm:${uuid}`) === 0 ? await prepare(conn, uuid, name, body) : null;
  const fresh = early !== null && deps.tasks.pending(`vm:${uuid}`) === 0;
  return deps.tasks.submit<RevertResult>({
    type: 'vm.snapshot.revert',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      const { snap, plan } = fresh ? early : await prepare(live, uuid, name, body);
      const dom = live.domain(uuid);
      const hasMemory = snap.memory.snapshot !== 'no';
      const flags = (body.force ? C.VIR_DOMAIN_SNAPSHOT_REVERT_FORCE : 0) |
        (plan.then === 'running' ? C.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING : plan.then === 'paused' || hasMemory ? C.VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED : 0);
      ctx.progress({ step: hasMemory ? 'loading memory and disks' : 'restoring disks' });
      try {
        await dom.revertToSnapshot(name, flags, LONG_CALL_MS);
        ctx.log(`reverted to ${name}`);
        if (plan.then === 'shutoff' && hasMemory) {
          await dom.destroy();
          ctx.log('stopped, as asked (the memory state stays in the snapshot)');
        }
      } catch (e) {
        throw snapshotError(e, 'reverting to the snapshot');
      }
      const state = vmState((await dom.getState()).state);
      deps.publish({ vmId: uuid, hostId: host.id, name, action: 'reverted', detail: { state } });
      return { name, state };
    },
  });
}

async function prepare(conn: Connection, uuid: string, name: string, body: RevertSnapshotBody): Promise<{ snap: SnapshotXml; plan: RevertPlan }> {
  try {
    const dom = conn.domain(uuid);
    const [snap, facts, version] = await Promise.all([readSnapshot(dom, name), readVmFacts(dom), libVersion(conn)]);
    return { snap, plan: planRevert(snap, facts.state, version, facts.inactive.disks, body) };
  } catch (e) {
    throw snapshotError(e, 'checking the snapshot');
  }
}
