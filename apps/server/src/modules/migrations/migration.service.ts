// POST /vms/:vmId/migrate: a peer-to-peer migration as a task in the VM's queue.
//
// Model: the source daemon drives the migration (VIR_MIGRATE_PEER2PEER, to the target's
// migration URI, resolved by the *source* daemon) inside one blocking virDomainMigrateToURI3 on
// a pool Worker; meanwhile this task polls the job stats on the source for progress. Cancel and
// the timeout call virDomainAbortJob: QEMU stops sending, the paused incoming domain on the
// target is removed by libvirt, and the guest keeps running on the source.
//
// Order: pre-flight (a fail is 409 PREFLIGHT_FAILED before anything is touched) → for copy
// storage, create the target volumes (libvirt 9 needs them to exist; its own pool fallback
// allocates them fully) → migrate → read the completed job's downtime on the target. On failure
// the volumes this task created are deleted again, so nothing is left on the target.
import { constants as C, isNotFound, type Connection, type TypedParams } from '@ferry/libvirt';
import { buildVolumeXml, parseStoragePool } from '@ferry/domain-xml';
import type { MigrateBody, MigrationProgress } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import { runPreflight, type PreflightFacts } from './migration-preflight.ts';
import { migrationProgress, startingProgress } from './migration-progress.ts';

export interface MigrationDeps { hosts: HostRegistry; tasks: TaskService }

export interface MigrationResult {
  sourceHostId: string;
  targetHostId: string;
  /** Guest paused at the switch-over, as QEMU measured it (completed job stats on the target). */
  downtimeMs: number | null;
  /** Wall time of the migrate call (prepare + transfer + confirm). */
  totalMs: number;
  /** QEMU's own job time. */
  jobMs: number | null;
  dataBytes: number | null;
  copiedVolumes: string[];
}

const POLL_MS = 500;
const MIGRATE_DEADLINE_MS = 6 * 3600_000;

async function preflightOrThrow(source: HostSupervisor, target: HostSupervisor, uuid: string, body: MigrateBody): Promise<{ facts: PreflightFacts; targetConn: Connection }> {
  const outcome = await runPreflight({ source, sourceConn: source.requireConnection(), target, uuid, options: body });
  if (!outcome.result.ok || !outcome.facts || !outcome.targetConn) {
    const failed = outcome.result.checks.filter((c) => c.status === 'fail');
    throw new AppError('PREFLIGHT_FAILED', `migration pre-flight failed: ${failed.map((c) => `${c.id}: ${c.reason}`).join('; ')}`, { checks: outcome.result.checks });
  }
  return { facts: outcome.facts, targetConn: outcome.targetConn };
}

export async function submitMigration(deps: MigrationDeps, uuid: string, body: MigrateBody, userId: string | null): Promise<string> {
  const { host: source } = await deps.hosts.findVm(uuid);
  const target = deps.hosts.get(body.targetHostId);
  // Checked now so a bad request changes nothing; again in the task if others ran before it.
  const early = deps.tasks.pending(`vm:${uuid}`) === 0 ? await wrap(preflightOrThrow(source, target, uuid, body)) : null;
  return deps.tasks.submit<MigrationResult>({
    type: 'vm.migrate',
    target: { kind: 'vm', id: uuid },
    hostId: source.id,
    userId,
    cancellable: true,
    run: async (ctx) => {
      ctx.progress(startingProgress('checking'));
      const { facts, targetConn } = early && deps.tasks.pending(`vm:${uuid}`) === 0 ? early : await wrap(preflightOrThrow(source, target, uuid, body));
      return migrate(ctx, source, target, targetConn, uuid, facts, body);
    },
  });
}

async function wrap<T>(p: Promise<T>): Promise<T> {
  try { return await p; } catch (e) { throw fromLibvirt(e, 'the migration pre-flight'); }
}

function flagsFor(body: MigrateBody, facts: PreflightFacts): number {
  const live = facts.running && body.live !== false;
  let flags = C.VIR_MIGRATE_PEER2PEER | C.VIR_MIGRATE_ABORT_ON_ERROR;
  if (live) flags |= C.VIR_MIGRATE_LIVE;
  if (!facts.running) flags |= C.VIR_MIGRATE_OFFLINE;
  if (body.persistent !== false || !facts.running) flags |= C.VIR_MIGRATE_PERSIST_DEST;
  if (body.undefineSource !== false) flags |= C.VIR_MIGRATE_UNDEFINE_SOURCE;
  if (body.storage === 'copy') flags |= C.VIR_MIGRATE_NON_SHARED_DISK;
  // libvirt 9 calls storage shared only on NFS, GFS2, CephFS… (by filesystem type; a
  // `shared_filesystems` setting arrives in 10.x). The pre-flight has checked what that heuristic
  // stands in for — every disk is a volume at the same path on the target — so say it is safe.
  else if (facts.files.length > 0) flags |= C.VIR_MIGRATE_UNSAFE;
  if (body.autoConverge) flags |= C.VIR_MIGRATE_AUTO_CONVERGE;
  if (body.postCopy) flags |= C.VIR_MIGRATE_POSTCOPY;
  return flags;
}

async function createTargetVolumes(ctx: TaskContext, sourceConn: Connection, targetConn: Connection, facts: PreflightFacts): Promise<{ pool: string; name: string; path: string }[]> {
  const created: { pool: string; name: string; path: string }[] = [];
  try {
    for (const f of facts.files) {
      const vol = await sourceConn.lookupVolumeByPath(f.path);
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      const pool = await poolHolding(targetConn, f.path);
      if (!pool) throw new AppError('PREFLIGHT_FAILED', `no storage pool on the target holds ${f.path}`);
      const disk = facts.domain.disks.find((d) => d.target === f.target);
      const format = disk?.format === 'raw' ? 'raw' : 'qcow2';
      await targetConn.createVolume(pool, buildVolumeXml({ name, capacityBytes: vol.capacity, format }));
      created.push({ pool, name, path: f.path });
      ctx.log(`created ${pool}/${name} (${Math.round(vol.capacity / 1048576)} MiB, ${format}) on the target`);
    }
    return created;
  } catch (e) {
    await deleteVolumes(ctx, targetConn, created);
    throw e;
  }
}

async function deleteVolumes(ctx: TaskContext, conn: Connection, vols: { pool: string; name: string }[]): Promise<void> {
  for (const v of vols) {
    try { await conn.deleteVolume(v.pool, v.name); ctx.log(`removed ${v.pool}/${v.name} from the target`); } catch (e) {
      if (!isNotFound(e)) ctx.log(`could not remove ${v.pool}/${v.name} from the target: ${(e as Error).message}`, 'warn');
    }
  }
}

async function migrate(ctx: TaskContext, source: HostSupervisor, target: HostSupervisor, targetConn: Connection, uuid: string, facts: PreflightFacts, body: MigrateBody): Promise<MigrationResult> {
  const sourceConn = source.requireConnection();
  const dom = sourceConn.domain(uuid);
  ctx.progress(startingProgress('preparing'));
  // The migrate call gets a connection of its own: on the shared one it stalled every other call
  // to the source host — job-stats polls, the abort, VM lists — for seconds at a time.
  const migrateConn = await source.openDedicated().catch((e: unknown) => { throw fromLibvirt(e, 'opening a connection for the migration'); });
  let created: Awaited<ReturnType<typeof createTargetVolumes>>;
  try {
    created = body.storage === 'copy' ? await wrap(createTargetVolumes(ctx, sourceConn, targetConn, facts)) : [];
  } catch (e) {
    void migrateConn.close();
    throw e;
  }
  const destUri = target.record.migrationUri ?? target.record.uri;
  const params: TypedParams = body.bandwidthMiBps ? { [C.VIR_MIGRATE_PARAM_BANDWIDTH]: body.bandwidthMiBps } : {};
  const flags = flagsFor(body, facts);
  ctx.log(`migrating ${facts.domain.name} to ${target.id} (${destUri}), flags 0x${flags.toString(16)}`);

  let aborted: 'cancel' | 'timeout' | null = null;
  const abort = (why: 'cancel' | 'timeout') => {
    aborted ??= why;
    const t0 = Date.now();
    ctx.log(why === 'cancel' ? 'cancel requested: aborting the migration job' : `no end after ${body.timeoutS} s: aborting the migration job`);
    dom.abortJob().then(() => ctx.log(`libvirt accepted the abort in ${Date.now() - t0} ms`), (e: unknown) => ctx.log(`abort: ${(e as Error).message}`, 'warn'));
  };
  const onAbort = () => abort('cancel');
  ctx.signal.addEventListener('abort', onAbort);
  const timer = body.timeoutS ? setTimeout(() => abort('timeout'), body.timeoutS * 1000) : null;

  const started = Date.now();
  let finished = false;
  const call = migrateConn.domain(uuid).migrateToURI(destUri, params, flags, MIGRATE_DEADLINE_MS)
    .finally(() => { finished = true; void migrateConn.close(); });
  // The guest's memory from the definition read for the pre-flight: a libvirt call here would be
  // batched behind the migrate call on its Worker and wait for the whole migration.
  const polling = pollProgress(ctx, sourceConn, uuid, body, facts.domain.memoryKiB * 1024, () => finished, call.then(() => undefined, () => undefined));
  try {
    await call;
  } catch (e) {
    await polling;
    await deleteVolumes(ctx, targetConn, created);
    if (aborted === 'cancel') throw ctx.signal.reason as Error;
    if (aborted === 'timeout') throw new AppError('HYPERVISOR_TIMEOUT', `the migration did not finish within ${body.timeoutS} s and was aborted; the VM runs on ${source.id}`);
    throw fromLibvirt(e, 'the migration');
  } finally {
    if (timer) clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  await polling;
  const totalMs = Date.now() - started;

  // With UNDEFINE_SOURCE the domain is gone from the source: the completed stats live on the
  // target (without disk figures). Reading them without KEEP_COMPLETED would erase them.
  let downtimeMs: number | null = null, jobMs: number | null = null, dataBytes: number | null = null;
  try {
    const done = await targetConn.domain(uuid).getJobStats(C.VIR_DOMAIN_JOB_STATS_COMPLETED | C.VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED);
    const n = (k: string) => (typeof done.stats[k] === 'number' ? done.stats[k] : null);
    downtimeMs = n('downtime'); jobMs = n('time_elapsed'); dataBytes = n('data_processed');
  } catch (e) {
    ctx.log(`no completed job statistics on the target: ${(e as Error).message}`, 'warn');
  }
  // The source still holds a full copy of each copied disk that nothing uses any more; left
  // there it would also block migrating the VM back (the path exists).
  const stale: string[] = [];
  if (created.length > 0 && body.undefineSource !== false) {
    for (const f of created) {
      try {
        const pool = await poolHolding(sourceConn, f.path);
        if (!pool) throw new Error('no storage pool holds it');
        await sourceConn.deleteVolume(pool, f.name);
        stale.push(f.path);
      } catch (e) {
        ctx.log(`left the source copy of ${f.path}: ${(e as Error).message}`, 'warn');
      }
    }
    if (stale.length > 0) ctx.log(`removed the source copies: ${stale.join(', ')}`);
  }
  const last: MigrationProgress = { ...startingProgress('checking'), phase: 'done', percent: 100 };
  ctx.progress(last);
  ctx.log(`migrated to ${target.id} in ${totalMs} ms, downtime ${downtimeMs ?? '?'} ms`);
  return { sourceHostId: source.id, targetHostId: target.id, downtimeMs, totalMs, jobMs, dataBytes, copiedVolumes: created.map((c) => c.path) };
}

/** The active pool whose directory holds `file`, if any. */
async function poolHolding(conn: Connection, file: string): Promise<string | undefined> {
  const dir = file.slice(0, file.lastIndexOf('/'));
  for (const p of await conn.listStoragePools()) {
    if (p.active && parseStoragePool(await conn.getStoragePoolXML(p.name)).path?.replace(/\/+$/, '') === dir) return p.name;
  }
  return undefined;
}

async function pollProgress(ctx: TaskContext, conn: Connection, uuid: string, body: MigrateBody, guestMemoryBytes: number, finished: () => boolean, ended: Promise<void>): Promise<void> {
  const dom = conn.domain(uuid);
  let previous: MigrationProgress | null = null;
  let tuned = false;
  while (!finished()) {
    // The wait ends early with the migration: the task must not idle out a poll interval.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((r) => { timer = setTimeout(r, previous ? POLL_MS : 100); })]);
    clearTimeout(timer);
    if (finished()) break;
    try {
      const [job, state] = await Promise.all([dom.getJobStats(), dom.getState()]);
      if (job.type === C.VIR_DOMAIN_JOB_NONE) continue;
      // Max downtime is a property of the running job, not a migrate3 parameter in libvirt 9.
      if (!tuned && body.maxDowntimeMs) { tuned = true; await dom.migrateSetMaxDowntime(body.maxDowntimeMs); }
      previous = migrationProgress(job.stats, state.state === C.VIR_DOMAIN_PAUSED, previous, guestMemoryBytes);
      ctx.progress(previous);
      if (body.postCopy && (previous.iteration ?? 0) >= 3 && previous.phase === 'memory') {
        // Pre-copy is not converging: switch over and pull the rest on demand.
        await dom.migrateStartPostCopy().catch((e: unknown) => ctx.log(`post-copy: ${(e as Error).message}`, 'warn'));
      }
    } catch (e) {
      // The domain vanishes from the source as the migration completes: expected, not an error.
      if (!isNotFound(e)) ctx.log(`job stats: ${(e as Error).message}`, 'warn');
    }
  }
}
