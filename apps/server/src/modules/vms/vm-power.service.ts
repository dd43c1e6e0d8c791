// Power actions as tasks in the VM's queue (see the contract's vm-power.ts for the rules).
// Each action knows the states it may start from and the state it leads to; the state is
// checked when the request arrives (nothing pending → a wrong state is the caller's error:
// 409) and again when the task runs (queued behind others → already there is a no-op).
import { parseDomain } from '@ferry/domain-xml';
import { constants as C, type Connection, type Domain } from '@ferry/libvirt';
import type { ErrorCode, VmState } from '@ferry/contract';
import type { Principal } from '../../lib/principal.ts';
import type { Authz } from '../acl/authz.ts';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import { vmState } from './vm-state.ts';

export type PowerAction = 'start' | 'shutdown' | 'stop' | 'reboot' | 'reset' | 'suspend' | 'resume';

interface ActionRule {
  /** States the action applies to. */
  from: readonly VmState[];
  /** The state it leads to: being there already makes the action a no-op. */
  to: VmState | null;
  cancellable?: boolean;
  run(dom: Domain, ctx: TaskContext, opts: PowerOptions): Promise<void>;
}

export interface PowerOptions { timeoutS?: number | undefined; force?: boolean | undefined }
export interface PowerResult { changed: boolean; state: VmState; note?: string }

const POLL_MS = 250;

const RULES: Readonly<Record<PowerAction, ActionRule>> = {
  start: { from: ['shutoff', 'crashed'], to: 'running', run: (d) => d.start() },
  stop: { from: ['running', 'paused', 'pmsuspended', 'crashed', 'other'], to: 'shutoff', run: (d) => d.destroy() },
  shutdown: { from: ['running'], to: 'shutoff', cancellable: true, run: shutdown },
  reboot: { from: ['running'], to: null, run: (d) => d.reboot() },
  reset: { from: ['running', 'paused'], to: null, run: (d) => d.reset() },
  suspend: { from: ['running'], to: 'paused', run: (d) => d.suspend() },
  resume: { from: ['paused'], to: 'running', run: (d) => d.resume() },
};

async function shutdown(dom: Domain, ctx: TaskContext, opts: PowerOptions): Promise<void> {
  const timeoutS = opts.timeoutS ?? 60;
  await dom.shutdown();
  ctx.log(`ACPI power-off requested; waiting up to ${timeoutS} s`);
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) throw new AppError('INVALID_STATE', 'shutdown cancelled; the guest may still power off by itself');
    if (vmState((await dom.getState()).state) === 'shutoff') return;
    ctx.progress({ phase: 'waiting', remainingS: Math.ceil((deadline - Date.now()) / 1000) });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (!opts.force) throw new AppError('INVALID_STATE', `the guest did not power off within ${timeoutS} s (does it handle ACPI?)`);
  ctx.log(`no power-off after ${timeoutS} s: forcing`, 'warn');
  await dom.destroy();
}

export interface PowerDeps { hosts: HostRegistry; tasks: TaskService }

export async function submitPowerAction(deps: PowerDeps, uuid: string, action: PowerAction, opts: PowerOptions, userId: string | null): Promise<string> {
  const rule = RULES[action];
  const { host, conn } = await deps.hosts.findVm(uuid); // on a connected host, or 503/404
  // Nothing pending: judge the request now. Otherwise it queues and is judged when it runs.
  if (deps.tasks.pending(`vm:${uuid}`) === 0) {
    const now = await currentState(conn, uuid);
    if (!rule.from.includes(now)) throw new AppError('INVALID_STATE', `cannot ${action} a VM that is ${now}`, { state: now });
    if (action === 'start') await refuseTemplate(conn, uuid);
  }
  return deps.tasks.submit<PowerResult>({
    type: `vm.${action}`,
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    cancellable: rule.cancellable ?? false,
    run: async (ctx) => {
      const live = host.requireConnection();
      const dom = live.domain(uuid);
      const before = await currentState(live, uuid);
      if (rule.to === before) return { changed: false, state: before, note: `already ${before}` };
      if (!rule.from.includes(before)) throw new AppError('INVALID_STATE', `cannot ${action} a VM that is ${before}`, { state: before });
      if (action === 'start') await refuseTemplate(live, uuid);
      try {
        await rule.run(dom, ctx, opts);
      } catch (e) {
        throw fromLibvirt(e, `${action}`);
      }
      return { changed: true, state: await currentState(live, uuid) };
    },
  });
}

/** Templates never start: linked clones rest on their disks. */
async function refuseTemplate(conn: Connection, uuid: string): Promise<void> {
  const xml = await conn.domain(uuid).getXML(C.VIR_DOMAIN_XML_INACTIVE).catch((e: unknown) => { throw fromLibvirt(e, 'reading the VM'); });
  if (parseDomain(xml).template) throw new AppError('INVALID_STATE', 'this VM is a template and cannot be started; clone it instead');
}

/** One action on many VMs: a task or an error per VM, each judged as if requested alone. */
export async function submitBulkPower(
  app: PowerDeps & { authz: Authz }, principal: Principal | null, action: PowerAction, vmIds: readonly string[], opts: PowerOptions,
): Promise<Array<{ vmId: string; taskId?: string; error?: { code: ErrorCode; message: string } }>> {
  return Promise.all([...new Set(vmIds)].map(async (vmId) => {
    try {
      if (!(await app.authz.can(principal, 'vm.power', `/vms/${vmId}`))) throw new AppError('FORBIDDEN', `you do not hold vm.power on /vms/${vmId}`);
      return { vmId, taskId: await submitPowerAction(app, vmId, action, opts, principal?.userId ?? null) };
    } catch (e) {
      const err = e instanceof AppError ? e : fromLibvirt(e);
      return { vmId, error: { code: err.code, message: err.message } };
    }
  }));
}

async function currentState(conn: Connection, uuid: string): Promise<VmState> {
  try {
    return vmState((await conn.domain(uuid).getState()).state);
  } catch (e) {
    throw fromLibvirt(e, 'reading the VM state');
  }
}
