// POST /vms: checks what can be checked at once (host, name, capacity, machine rules) so a bad
// body gets its 4xx before anything exists, then creates as a task: volumes, definition,
// autostart, start. A failure undoes what the task made (volumes it created, the definition),
// so nothing half-made is left on the host.
import { randomInt, randomUUID } from 'node:crypto';
import { buildDomainXml, DomainXmlError, isQ35, type CpuSpec, type NewDisk, type NewDomainSpec, type NewNic } from '@ferry/domain-xml';
import { constants as C, isNotFound, type Connection } from '@ferry/libvirt';
import type { CreateVmBody } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import { domainTypeFor } from './vm-acceleration.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { removeVolumes, resolveDisks, type CreatedVolume } from './vm-disks.ts';

export interface VmCreateDeps { hosts: HostRegistry; tasks: TaskService; catalog: VmCatalog }

export interface CreateResult { vmId: string; name: string; hostId: string; domainType: 'kvm' | 'qemu'; started: boolean }

const DEFAULT_NETWORK = 'default';
const PASSWORD_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export async function submitCreate(deps: VmCreateDeps, body: CreateVmBody, userId: string | null): Promise<{ taskId: string; vmId: string }> {
  const host = body.hostId ? deps.hosts.get(body.hostId) : deps.hosts.list()[0];
  if (!host) throw new AppError('NOT_FOUND', 'no host to create the VM on');
  const conn = host.requireConnection();
  const plan = await planCreate(host, conn, body);
  const vmId = randomUUID();
  const taskId = deps.tasks.submit<CreateResult>({
    type: 'vm.create',
    target: { kind: 'vm', id: vmId },
    hostId: host.id,
    userId,
    run: (ctx) => runCreate(deps, host, body, plan, vmId, ctx),
  });
  return { taskId, vmId };
}

interface CreatePlan {
  type: 'kvm' | 'qemu';
  why: string;
  machine: string;
  cpu: CpuSpec;
  vcpus: { sockets: number; cores: number; threads: number };
  nics: NewNic[];
}

/** Everything judged before the task: each failure here is the caller's (4xx), nothing made. */
async function planCreate(host: HostSupervisor, conn: Connection, body: CreateVmBody): Promise<CreatePlan> {
  const [exists, node, choice] = await Promise.all([
    conn.lookupDomainByName(body.name).then(() => true, (e: unknown) => { if (isNotFound(e)) return false; throw fromLibvirt(e, 'checking the name'); }),
    conn.getNodeInfo().catch((e: unknown) => { throw fromLibvirt(e, 'reading the host capacity'); }),
    domainTypeFor(host, conn),
  ]);
  if (exists) throw new AppError('CONFLICT', `a VM named ${body.name} already exists on host ${host.id}`);

  const total = body.vcpus ?? product(body.cpu) ?? 1;
  const vcpus = topology(total, body.cpu);
  if (total > node.cpus) throw new AppError('BAD_REQUEST', `${total} vCPUs exceed the host's ${node.cpus} CPUs`);
  const memoryMiB = body.memoryMiB ?? 1024;
  if (memoryMiB * 1024 > node.memoryKiB) throw new AppError('BAD_REQUEST', `${memoryMiB} MiB exceed the host's ${Math.floor(node.memoryKiB / 1024)} MiB of memory`);

  const firmware = body.firmware ?? 'bios';
  if (body.secureBoot && firmware !== 'uefi') throw new AppError('BAD_REQUEST', 'secureBoot needs firmware uefi');
  const machine = body.machine ?? 'q35';
  if (body.secureBoot && !isQ35(machine)) throw new AppError('BAD_REQUEST', 'Secure Boot needs the q35 machine type');
  if (isQ35(machine) && body.disks?.some((d) => d.bus === 'ide')) throw new AppError('BAD_REQUEST', 'the q35 machine type has no IDE bus; use sata');

  const mode = body.cpu?.mode ?? (choice.type === 'kvm' ? 'host-passthrough' : 'custom');
  // TCG cannot pass the host CPU through; without a model it emulates qemu64.
  if (choice.type === 'qemu' && mode === 'host-passthrough') throw new AppError('BAD_REQUEST', `cpu mode host-passthrough needs KVM, and this host has none (${choice.why})`);
  const cpu: CpuSpec = mode === 'custom' ? { mode, model: body.cpu?.model ?? 'qemu64' } : { mode };

  return { type: choice.type, why: choice.why, machine, cpu, vcpus, nics: await planNics(conn, body) };
}

async function planNics(conn: Connection, body: CreateVmBody): Promise<NewNic[]> {
  const networks = new Set((await conn.listNetworks().catch((e: unknown) => { throw fromLibvirt(e, 'listing networks'); })).map((n) => n.name));
  // No NICs asked for: one on libvirt's default NAT network where the host has it.
  const specs = body.nics ?? (networks.has(DEFAULT_NETWORK) ? [{}] : []);
  return specs.map((n) => {
    const network = n.bridge ? undefined : n.network ?? DEFAULT_NETWORK;
    if (network && !networks.has(network)) throw new AppError('BAD_REQUEST', `no network named ${network} on this host`);
    return {
      source: network ? { network } : { bridge: n.bridge! },
      model: n.model ?? 'virtio',
      ...(n.mac ? { mac: n.mac } : {}),
    };
  });
}

async function runCreate(deps: VmCreateDeps, host: HostSupervisor, body: CreateVmBody, plan: CreatePlan, vmId: string, ctx: TaskContext): Promise<CreateResult> {
  const conn = host.requireConnection();
  ctx.log(`domain type ${plan.type}: ${plan.why}`, plan.type === 'qemu' ? 'warn' : 'info');
  const created: CreatedVolume[] = [];
  let defined = false;
  try {
    ctx.progress({ phase: 'volumes' });
    const disks: NewDisk[] = await resolveDisks(conn, body.name, body.disks ?? [], created);
    for (const v of created) ctx.log(`created volume ${v.pool}/${v.volume}`);
    const spec: NewDomainSpec = {
      name: body.name, uuid: vmId, description: body.description ?? '', tags: body.tags ?? [],
      type: plan.type, machine: plan.machine, vcpus: plan.vcpus, memoryMiB: body.memoryMiB ?? 1024, cpu: plan.cpu,
      firmware: body.firmware === 'uefi' ? { kind: 'uefi', secureBoot: body.secureBoot ?? false } : { kind: 'bios' },
      disks, nics: plan.nics, vncPassword: vncPassword(),
    };
    ctx.progress({ phase: 'define' });
    await conn.defineDomain(buildXml(spec));
    defined = true;
    deps.catalog.invalidate(vmId);
    ctx.log(`defined VM ${body.name} (${vmId})`);
    if (body.autostart) await conn.domain(vmId).setAutostart(true);
    if (body.start) {
      ctx.progress({ phase: 'start' });
      await conn.domain(vmId).start();
      ctx.log('started');
    }
    return { vmId, name: body.name, hostId: host.id, domainType: plan.type, started: Boolean(body.start) };
  } catch (e) {
    await undo(conn, vmId, defined, body.firmware === 'uefi', created, ctx);
    throw fromLibvirt(e, 'creating the VM');
  }
}

async function undo(conn: Connection, vmId: string, defined: boolean, uefi: boolean, created: CreatedVolume[], ctx: TaskContext): Promise<void> {
  if (defined) {
    await conn.domain(vmId).destroy().catch(() => undefined);
    await conn.domain(vmId).undefine(uefi ? C.VIR_DOMAIN_UNDEFINE_NVRAM : 0).catch(() => ctx.log(`could not remove the half-made VM ${vmId}`, 'error'));
  }
  const failed = await removeVolumes(conn, created);
  if (failed.length) ctx.log(`could not remove volumes: ${failed.join(', ')}`, 'error');
  else if (created.length) ctx.log(`removed the ${created.length} volume(s) this task had created`);
}

function buildXml(spec: NewDomainSpec): string {
  try {
    return buildDomainXml(spec);
  } catch (e) {
    if (e instanceof DomainXmlError) throw new AppError('BAD_REQUEST', e.message);
    throw e;
  }
}

const product = (c: CreateVmBody['cpu']): number | undefined =>
  c && (c.sockets || c.cores || c.threads) ? (c.sockets ?? 1) * (c.cores ?? 1) * (c.threads ?? 1) : undefined;

/** The topology for `total` vCPUs: as given (its product must match), else one socket of cores. */
function topology(total: number, c: CreateVmBody['cpu']): { sockets: number; cores: number; threads: number } {
  const given = product(c);
  if (given === undefined) return { sockets: 1, cores: total, threads: 1 };
  if (given !== total) throw new AppError('BAD_REQUEST', `sockets × cores × threads is ${given}, but vcpus is ${total}`);
  return { sockets: c!.sockets ?? 1, cores: c!.cores ?? 1, threads: c!.threads ?? 1 };
}

/** VNC passwords are at most 8 characters (the protocol's DES key). */
function vncPassword(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)];
  return s;
}
