// Shared pieces of the VM benchmark (run.ts): Ferry in this process, a libvirt call counter on
// its pool, and the bench's own domains on qemu:///system with their guaranteed clean-up.
//
// - Ferry is built the way apps/server/src/test-support does it (buildApp, in-memory SQLite,
//   logger off) with host 'local' = qemu:///system, and listens on 127.0.0.1 (real HTTP, fetch).
// - Calls are counted by wrapping `call()` on the one CallPool instance Ferry's Libvirt owns:
//   every libvirt operation of the server (each one Worker round trip) passes through it. The
//   bench's own work (defining domains, the baseline, clean-up) uses a second Libvirt, so it
//   is never counted. packages/libvirt is not modified.
// - Every domain the bench makes is named `ferry-bench-<run id>-…`. Clean-up destroys and
//   undefines whatever carries that prefix (a sweep of the host's list, not only what the bench
//   remembers), also after a failure or on Ctrl-C; if the binding cannot, virsh does it.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { Libvirt, constants as C, type Connection } from '../../../packages/libvirt/src/index.ts';
import { buildApp } from '../../../apps/server/src/app.ts';
import { openMemoryDatabase } from '../../../apps/server/src/db/database.ts';
import { testConfig } from '../../../apps/server/src/test-support/build-test-app.ts';
import { tokenFor } from '../../../apps/server/src/test-support/auth-helpers.ts';
import { BenchError, sleep } from '../server-requests/harness.ts';

export const URI = 'qemu:///system';
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Ferry in this process

export interface CallCount { total: number; byOp: Record<string, number> }

type App = Awaited<ReturnType<typeof buildApp>>;

export interface Ferry {
  app: App;
  base: string;
  headers: Record<string, string>;
  /** Calls Ferry's pool has made so far (a copy). */
  calls(): CallCount;
}

export async function startFerry(): Promise<Ferry> {
  const app = await buildApp({ config: testConfig({ libvirtUri: URI }), db: openMemoryDatabase(), logger: false });
  await app.ready();
  await app.hosts.get('local').waitConnected(30_000);
  const count: CallCount = { total: 0, byOp: {} };
  const pool = app.libvirt.pool;
  const original = pool.call.bind(pool);
  pool.call = ((op, args, opts, tag) => {
    count.total++;
    count.byOp[op] = (count.byOp[op] ?? 0) + 1;
    return original(op, args, opts, tag);
  }) as typeof pool.call;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const headers = await tokenFor(app, 'bench', 'Administrator');
  return { app, base: `http://127.0.0.1:${port}/api/v1`, headers, calls: () => ({ total: count.total, byOp: { ...count.byOp } }) };
}

/** b − a, per op (ops with no calls in between left out). */
export function callsBetween(a: CallCount, b: CallCount): CallCount {
  const byOp: Record<string, number> = {};
  for (const [op, n] of Object.entries(b.byOp)) if (n - (a.byOp[op] ?? 0) > 0) byOp[op] = n - (a.byOp[op] ?? 0);
  return { total: b.total - a.total, byOp };
}

export async function api<T>(ferry: Ferry, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(ferry.base + path, {
    method,
    headers: { ...ferry.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

export interface TaskView { id: string; state: string; error?: { code: string; message: string }; startedAt: string | null; finishedAt: string | null }

/** POST /vms, then GET /tasks/:id?wait=30 until it has finished. */
export async function createVm(ferry: Ferry, body: Record<string, unknown>): Promise<{ vmId: string | null; task: TaskView | null; status: number; error?: string }> {
  const post = await api<{ taskId?: string; vmId?: string; message?: string }>(ferry, 'POST', '/vms', body);
  if (post.status !== 202 || !post.json.taskId) return { vmId: null, task: null, status: post.status, error: JSON.stringify(post.json) };
  for (;;) {
    const t = await api<TaskView>(ferry, 'GET', `/tasks/${post.json.taskId}?wait=30`);
    if (t.status !== 200) return { vmId: post.json.vmId ?? null, task: null, status: t.status, error: JSON.stringify(t.json) };
    if (!['queued', 'running'].includes(t.json.state)) return { vmId: post.json.vmId ?? null, task: t.json, status: post.status };
  }
}

// ---------------------------------------------------------------------------------------------
// The bench's domains

export class BenchDomains {
  readonly prefix = `ferry-bench-${randomBytes(3).toString('hex')}-`;
  private lv: Libvirt | null = null;
  conn!: Connection;
  /** uuids of the domains the bench defined itself, in order. */
  readonly defined: string[] = [];
  private readonly definedEvents = new Set<string>();
  /** Set by cleanUp(): defineUpTo() stops starting new defines. */
  private stopping = false;
  private defining: Promise<unknown> = Promise.resolve();

  async open(): Promise<void> {
    this.lv = await Libvirt.start();
    this.conn = await this.lv.open(URI);
    await this.conn.subscribe('lifecycle', (e) => { if (e.event === C.VIR_DOMAIN_EVENT_DEFINED) this.definedEvents.add(e.domain.uuid); });
  }

  /** Throws once clean-up has begun, so the measuring code makes nothing new meanwhile. */
  check(): void {
    if (this.stopping) throw new BenchError('stopped');
  }

  /** A minimal persistent qemu (TCG) domain: 64 MiB, one vCPU, no disk, no NIC. */
  static xml(name: string, uuid: string, memoryMiB: number): string {
    return `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>${memoryMiB}</memory><vcpu>1</vcpu>` +
      `<os><type arch='x86_64'>hvm</type></os></domain>`;
  }

  /** Defines domains until the bench has `n`, `inFlight` at a time; returns the seconds it took. */
  async defineUpTo(n: number, memoryMiB: number, inFlight = 32): Promise<number> {
    const t = performance.now();
    const todo = Array.from({ length: Math.max(0, n - this.defined.length) }, (_, i) => this.defined.length + i);
    const worker = async () => {
      for (let i = todo.shift(); i !== undefined && !this.stopping; i = todo.shift()) {
        const uuid = randomUUID();
        await this.conn.defineDomain(BenchDomains.xml(`${this.prefix}${String(i).padStart(4, '0')}`, uuid, memoryMiB));
        this.defined.push(uuid);
      }
    };
    this.defining = Promise.all(Array.from({ length: inFlight }, worker));
    await this.defining;
    return (performance.now() - t) / 1000;
  }

  /** Waits until libvirt's 'defined' event of every bench domain has arrived, then a bit more:
   *  Ferry's catalog drops a VM's cached facts on that event, so a list before it lands would
   *  read them again on the next list too. */
  async settleEvents(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.defined.some((u) => !this.definedEvents.has(u)) && Date.now() < deadline) await sleep(20);
    await sleep(300);
  }

  /** Destroys (if running) and undefines one domain; a domain already gone is fine. */
  async remove(uuid: string): Promise<void> {
    const d = this.conn.domain(uuid);
    await d.destroy().catch(() => undefined);
    await d.undefine(C.VIR_DOMAIN_UNDEFINE_NVRAM).catch(() => d.undefine().catch(() => undefined));
  }

  /** Every domain on the host whose name carries this run's prefix. */
  async mine(): Promise<{ uuid: string; name: string; id: number }[]> {
    return (await this.conn.listDomains()).filter((d) => d.name.startsWith(this.prefix));
  }

  /** Removes every domain of this run, 32 at a time; returns how many were removed. `final`:
   *  also stop any defineUpTo() still running (on failure or Ctrl-C). */
  async cleanUp(final = false): Promise<number> {
    let removed = 0;
    if (final) this.stopping = true;
    await this.defining.catch(() => undefined); // the defines in flight land before the sweep
    try {
      for (let pass = 0; pass < 2; pass++) {
        const left = await this.mine();
        for (let i = 0; i < left.length; i += 32) await Promise.all(left.slice(i, i + 32).map((d) => this.remove(d.uuid)));
        removed += left.length;
        if (left.length === 0) break;
        await sleep(500); // a create that was in flight may land after the first sweep
      }
    } catch (e) {
      console.error(`clean-up through the binding failed (${e instanceof Error ? e.message : String(e)}); trying virsh`);
      removed += await this.cleanUpWithVirsh();
    }
    this.defined.length = 0;
    return removed;
  }

  private async cleanUpWithVirsh(): Promise<number> {
    const names = (await virsh(['list', '--all', '--name'])).stdout.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(this.prefix));
    for (const name of names) {
      await virsh(['destroy', name]).catch(() => undefined);
      await virsh(['undefine', name, '--nvram']).catch(() => virsh(['undefine', name]).catch(() => undefined));
    }
    return names.length;
  }

  async close(): Promise<void> {
    await this.lv?.close();
    this.lv = null;
  }
}

export function virsh(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('virsh', ['-c', URI, ...args], { timeout: 60_000 });
}

/** virsh must answer on qemu:///system before anything is measured. */
export async function requireDaemon(): Promise<void> {
  try {
    await virsh(['list', '--all', '--name']);
  } catch (e) {
    throw new BenchError(`virsh -c ${URI} list failed: is libvirtd running? (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

/** Runs `fn` once per signal-free exit path: Ctrl-C/SIGTERM clean up, then exit 130. */
export function cleanUpOnSignal(cleanUp: () => Promise<unknown>): void {
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: removing this run's domains`);
    const hard = setTimeout(() => process.exit(130), 120_000);
    void cleanUp().finally(() => { clearTimeout(hard); process.exit(130); });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
