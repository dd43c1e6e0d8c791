// POST /vms/:vmId/snapshots: take a snapshot, as a task in the VM's queue.
//
// Order of work (prepare → commit):
//   1. plan (snapshot-plan.ts) from the VM's state, disks and existing snapshots — when the
//      request arrives (a clear 409 at once, when nothing is queued before it) and again when
//      the task runs if it had to wait behind others, which may have changed the VM (a task
//      submitted to an empty queue starts at once: nothing of Ferry's ran in between);
//   2. full snapshots: the storage pool holding the first qcow2 disk must have room for the
//      guest's memory (409 INSUFFICIENT_SPACE), checked before QEMU starts writing it;
//   3. one virDomainSnapshotCreateXML with VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC: libvirt either
//      makes all of it or rolls back (overlays removed, definition untouched). A disk-only
//      snapshot of a running VM first tries the guest agent's freeze (QUIESCE) when the agent
//      is connected; if the agent fails, the snapshot is taken crash-consistent and says so;
//   4. an external snapshot of a running VM gets Ferry's consistency label by REDEFINE (libvirt
//      does not record quiescing), and its pool is refreshed so the overlays show as volumes.
//      Neither changes the VM: a failure there is logged, the snapshot stands.
import { buildSnapshotXml, editSnapshotXml, parseStoragePool } from '@ferry/domain-xml';
import { constants as C, isLibvirtError, type Connection, type Domain } from '@ferry/libvirt';
import type { CreateSnapshotBody } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import { volumeAt } from '../vms/vm-disks.ts';
import { planCreate, type CreatePlan } from './snapshot-plan.ts';
import { readExisting, readVmFacts } from './snapshot-read.service.ts';
import { snapshotError } from './snapshot-errors.ts';
import type { SnapshotPublisher } from './snapshot-events.ts';

export interface SnapshotDeps { hosts: HostRegistry; tasks: TaskService; publish: SnapshotPublisher }
export interface CreateResult { name: string; kind: CreatePlan['kind']; location: CreatePlan['location']; consistency: CreatePlan['consistency'] }

/** Saving a big guest's memory takes a while; libvirt has no deadline of its own. */
export const LONG_CALL_MS = 30 * 60_000;
// libvirt's answers when the guest agent cannot freeze: not configured, not connected, no reply.
const AGENT_CODES = new Set([C.VIR_ERR_AGENT_UNRESPONSIVE, C.VIR_ERR_AGENT_UNSYNCED, C.VIR_ERR_ARGUMENT_UNSUPPORTED, C.VIR_ERR_OPERATION_UNSUPPORTED]);

export async function submitCreateSnapshot(deps: SnapshotDeps, uuid: string, body: CreateSnapshotBody, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  const early = deps.tasks.pending(`vm:${uuid}`) === 0 ? await prepare(conn, uuid, body) : null;
  const fresh = early !== null && deps.tasks.pending(`vm:${uuid}`) === 0;
  return deps.tasks.submit<CreateResult>({
    type: 'vm.snapshot.create',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      ctx.progress({ step: 'checking' });
      const plan = fresh ? early : await prepare(live, uuid, body);
      const result = await create(live, live.domain(uuid), body, plan, ctx);
      deps.publish({ vmId: uuid, hostId: host.id, name: body.name, action: 'created', detail: { kind: plan.kind, location: plan.location } });
      return result;
    },
  });
}

async function prepare(conn: Connection, uuid: string, body: CreateSnapshotBody): Promise<CreatePlan> {
  try {
    const dom = conn.domain(uuid);
    const [facts, existing] = await Promise.all([readVmFacts(dom), readExisting(dom)]);
    const plan = planCreate(facts, existing, body);
    if (plan.memoryInto) await checkSpace(conn, plan.memoryInto, plan.memoryBytes);
    return plan;
  } catch (e) {
    throw snapshotError(e, 'checking the VM');
  }
}

async function checkSpace(conn: Connection, file: string, bytes: number): Promise<void> {
  const at = await volumeAt(conn, file);
  if (!at) return; // not in a pool libvirt reports on: nothing to check against
  const { available } = await conn.getStoragePoolInfo(at.pool);
  if (available < bytes) {
    throw new AppError('INSUFFICIENT_SPACE', `the memory state needs up to ${mib(bytes)} MiB in pool ${at.pool}, which has ${mib(available)} MiB free`, { pool: at.pool, neededBytes: bytes, availableBytes: available });
  }
}
const mib = (b: number) => Math.ceil(b / 1024 / 1024);

async function create(conn: Connection, dom: Domain, body: CreateSnapshotBody, plan: CreatePlan, ctx: TaskContext): Promise<CreateResult> {
  const external = plan.location === 'external';
  ctx.log(`${plan.kind === 'full' ? 'full snapshot (disks and memory)' : 'disk snapshot'}, ${plan.location}` +
    (external ? `: overlays ${plan.disks.filter((d) => d.file).map((d) => d.file).join(', ')}` : ''));
  ctx.progress({ step: plan.memory === 'internal' ? 'saving memory and disks' : 'snapshotting disks' });
  const xml = buildSnapshotXml({ name: body.name, ...(body.description ? { description: body.description } : {}), memory: plan.memory, disks: plan.disks });
  const flags = C.VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | (external ? C.VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY : 0);
  let consistency = plan.consistency;
  try {
    if (plan.quiesce) {
      try {
        await dom.createSnapshot(xml, flags | C.VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE, LONG_CALL_MS);
      } catch (e) {
        if (!isLibvirtError(e) || !AGENT_CODES.has(e.code)) throw e;
        ctx.log(`the guest agent could not freeze the file systems (${e.message}); taking the snapshot crash-consistent`, 'warn');
        consistency = 'crash-consistent';
        await dom.createSnapshot(xml, flags, LONG_CALL_MS);
      }
    } else {
      await dom.createSnapshot(xml, flags, LONG_CALL_MS);
    }
  } catch (e) {
    throw snapshotError(e, 'taking the snapshot');
  }
  ctx.log(`snapshot ${body.name} taken (${consistency})`);
  if (external) {
    ctx.progress({ step: 'recording' });
    await settleExternal(conn, dom, body.name, plan, consistency, ctx);
  }
  return { name: body.name, kind: plan.kind, location: plan.location, consistency };
}

async function settleExternal(conn: Connection, dom: Domain, name: string, plan: CreatePlan, consistency: CreatePlan['consistency'], ctx: TaskContext): Promise<void> {
  const labelled = consistency === 'quiesced' || consistency === 'crash-consistent' ? consistency : null;
  await Promise.all([
    labelled && (async () => {
      try {
        const doc = await dom.snapshotXML(name, C.VIR_DOMAIN_SNAPSHOT_XML_SECURE);
        const current = await dom.snapshotIsCurrent(name);
        await dom.createSnapshot(editSnapshotXml(doc, { consistency: labelled }), C.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | (current ? C.VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT : 0));
      } catch (e) {
        ctx.log(`could not record the snapshot's consistency (${e instanceof Error ? e.message : String(e)}); it will show as unknown`, 'warn');
      }
    })(),
    refreshPools(conn, plan.disks.map((d) => d.file).filter((f): f is string => f !== undefined)),
  ]);
}

/** Refreshes the pools whose directory holds `files`, so they list them as volumes; best effort. */
export async function refreshPools(conn: Connection, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  try {
    const dirs = new Set(files.map((f) => f.slice(0, f.lastIndexOf('/'))));
    const pools = (await conn.listStoragePools()).filter((p) => p.active);
    await Promise.all(pools.map(async (p) => {
      const path = parseStoragePool(await conn.getStoragePoolXML(p.name)).path;
      if (path && dirs.has(path.replace(/\/$/, ''))) await conn.refreshStoragePool(p.name);
    }));
  } catch {
    // A pool listing out of date is not worth failing a snapshot for.
  }
}
