// Benchmark: snapshot create and revert through Ferry's API against the same operation through
// `virsh`, in one run, on the real daemon (qemu:///system) with 256 MiB tiny guests.
//
// Goal (issue F6): create and revert through the API ≤ 1.2× the same through virsh + 20 ms,
// for disk-only and for full snapshots.
//
// Method. Ferry runs in this process (../vms/harness.ts: buildApp, in-memory DB, logger off,
// host 'local' = qemu:///system) and is reached over real HTTP on 127.0.0.1 with an
// Administrator token. An API sample is POST …/snapshots (or …/revert) then GET /tasks/:id?wait=30
// until the task has finished: what a script waits for. A virsh sample is one `virsh` process,
// as an admin would type it, with the flags that do the same work as Ferry's task:
//   full (running VM, memory + disks, internal)  snapshot-create-as VM NAME --atomic
//                                                snapshot-revert VM base --running --force
//   disk (shut-off VM, internal)                 snapshot-create-as VM NAME --atomic
//                                                snapshot-revert VM base
//   disk (running VM, external overlay)          snapshot-create-as VM NAME --disk-only --atomic
//                                                  --diskspec vda,file=<pool dir>/NAME.qcow2
// Each case has its own guest (Ferry keeps a VM's snapshots all internal or all external), made
// by the bench with a fresh copy of the tiny guest's disk and booted to "ready" when it runs.
// A 'base' snapshot is taken first (untimed) as the revert target. Samples come in pairs after
// one warm-up pair, the order alternating (API first in even pairs, virsh first in odd ones);
// each created snapshot is deleted again by the bench (untimed; external ones are merged
// back), so every sample starts from the same chain. Verdict per operation: median(API) ≤ 1.2 × median(virsh) + 20 ms.
// Reverting an external snapshot is refused by libvirt 9.0 (from 9.9 on), so it is not measured.
//
// Run: pnpm bench:snapshots (or pnpm exec tsx scripts/bench/snapshots/run.ts); needs libvirtd on
// qemu:///system. Env: SAMPLES (9), MEMORY_MIB (256). Raw results: scripts/bench/.out/snapshots.json.
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { printVerdicts, type Verdict } from '../report.ts';
import { BenchError, envInt, fmt, median, repo, sleep, table } from '../server-requests/harness.ts';
import { api, callsBetween, cleanUpOnSignal, requireDaemon, startFerry, virsh, type Ferry, type TaskView } from '../vms/harness.ts';
import { isDaemonGone, SnapGuests, untilDaemon, type Guest } from './harness.ts';

const outFile = join(repo, 'scripts/bench/.out/snapshots.json');
const cfg = { samples: Math.max(1, envInt('SAMPLES', 9)), memoryMiB: envInt('MEMORY_MIB', 256) };
const GOALS = { factor: 1.2, slackMs: 20 };
const now = () => performance.now();

interface Sample { way: 'api' | 'virsh'; i: number; ms: number; ok: boolean; detail: string; calls?: number }
interface Case { id: string; label: string; op: 'create' | 'revert'; samples: Sample[]; retakes: number }

/** POST, then long-poll the task until it has finished; the time a script waits. */
async function apiSample(ferry: Ferry, path: string, body: unknown, i: number): Promise<Sample> {
  const c0 = ferry.calls();
  const t = now();
  const post = await api<{ taskId?: string }>(ferry, 'POST', path, body);
  if (post.status !== 202 || !post.json.taskId) return { way: 'api', i, ms: now() - t, ok: false, detail: `HTTP ${post.status} ${JSON.stringify(post.json)}` };
  let task: TaskView;
  do task = (await api<TaskView>(ferry, 'GET', `/tasks/${post.json.taskId}?wait=30`)).json; while (task.state === 'queued' || task.state === 'running');
  const ms = now() - t;
  const calls = callsBetween(c0, ferry.calls()).total;
  const ok = task.state === 'succeeded';
  const run = Date.parse(task.finishedAt ?? '') - Date.parse(task.startedAt ?? '');
  return { way: 'api', i, ms, ok, calls, detail: ok ? `task ran ${fmt(run)} ms, ${calls} libvirt calls` : `task ${task.state}: ${JSON.stringify(task.error)}` };
}

async function virshSample(args: string[], i: number): Promise<Sample> {
  const t = now();
  try {
    await virsh(args);
    return { way: 'virsh', i, ms: now() - t, ok: true, detail: '' };
  } catch (e) {
    return { way: 'virsh', i, ms: now() - t, ok: false, detail: e instanceof Error ? e.message.split('\n').slice(0, 2).join(' ') : String(e) };
  }
}

/** A sample that failed because the daemon went away (another suite restarted it) is taken
 *  again once libvirtd answers and Ferry has reconnected; the retakes are counted. */
async function sampleOf(ferry: Ferry, c: Case, f: () => Promise<Sample>): Promise<Sample> {
  for (let attempt = 0; ; attempt++) {
    const s = await f();
    if (s.ok || attempt >= 3 || !isDaemonGone(s.detail)) return s;
    c.retakes++;
    console.log(`  ${c.id.padEnd(22)} ${s.way.padEnd(5)}: the daemon went away (${s.detail.slice(0, 80)}); retaking`);
    await untilDaemon(() => virsh(['version']));
    await ferry.app.hosts.get('local').waitConnected(60_000);
  }
}

/** Runs pairs of samples, order alternating; `after` tidies up (untimed) after each sample. */
async function pairs(ferry: Ferry, c: Case, apiRun: (i: number) => Promise<Sample>, virshRun: (i: number) => Promise<Sample>, after: (s: Sample) => Promise<void>): Promise<void> {
  for (let i = -1; i < cfg.samples; i++) { // i = -1: one warm-up pair, not kept
    const pair = [() => apiRun(i), () => virshRun(i)];
    for (const f of i % 2 === 0 ? pair : pair.reverse()) {
      const s = await sampleOf(ferry, c, f);
      await after(s);
      if (i >= 0) c.samples.push(s);
      if (i >= 0 || !s.ok) console.log(`  ${c.id.padEnd(22)} ${s.way.padEnd(5)} #${i + 1}: ${fmt(s.ms, 1)} ms${s.ok ? '' : ' FAILED'}${s.detail ? ` (${s.detail})` : ''}`);
      await sleep(150);
    }
  }
}

async function measureCase(ferry: Ferry, guests: SnapGuests, g: Guest, kind: 'full' | 'disk', external: boolean): Promise<Case[]> {
  const id = kind === 'full' ? 'full' : external ? 'disk (running, ext.)' : 'disk (shut off)';
  const create: Case = { id: `${id} create`, label: id, op: 'create', samples: [], retakes: 0 };
  const url = `/vms/${g.uuid}/snapshots`;
  const snapName = (s: Sample) => `${s.way}${s.i + 1}`;
  await pairs(ferry, create,
    (i) => apiSample(ferry, url, { name: `api${i + 1}`, kind }, i),
    (i) => virshSample(['snapshot-create-as', g.name, `virsh${i + 1}`, '--atomic',
      ...(external ? ['--disk-only', '--diskspec', `vda,file=${join(g.dir, `${g.label}-virsh${i + 1}-${Date.now().toString(36)}.qcow2`)}`] : [])], i),
    async (s) => { if (s.ok) await guests.deleteSnapshot(g, snapName(s)); });
  if (external) return [create];
  const revert: Case = { id: `${id} revert`, label: id, op: 'revert', samples: [], retakes: 0 };
  await pairs(ferry, revert,
    (i) => apiSample(ferry, `${url}/base/revert`, kind === 'full' ? { force: true } : {}, i),
    (i) => virshSample(['snapshot-revert', g.name, 'base', ...(kind === 'full' ? ['--running', '--force'] : [])], i),
    async () => undefined);
  return [create, revert];
}

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg();
  await requireDaemon();
  const guests = new SnapGuests();
  let ferry: Ferry | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanUp = () => (cleaned ??= (async () => {
    if (ferry) await Promise.race([ferry.app.close(), sleep(10_000)]).catch(() => undefined);
    await guests.cleanUp().catch((e: unknown) => console.error(e));
  })());
  cleanUpOnSignal(cleanUp);
  try {
    await guests.open();
    ferry = await startFerry();
    console.log(`run ${guests.prefix}*; Ferry in-process on ${ferry.base}; guests of ${cfg.memoryMiB} MiB, TCG, booting…`);
    const full = await guests.guest('full', cfg.memoryMiB, true);
    const offline = await guests.guest('offline', cfg.memoryMiB, false);
    const live = await guests.guest('live', cfg.memoryMiB, true);
    // The revert target of each internal case (untimed, through the bench's own connection).
    await guests.conn.domain(full.uuid).createSnapshot('<domainsnapshot><name>base</name></domainsnapshot>');
    await guests.conn.domain(offline.uuid).createSnapshot('<domainsnapshot><name>base</name></domainsnapshot>');
    const cases: Case[] = [];
    console.log(`\n${cfg.samples} interleaved pairs per operation (after one warm-up pair)`);
    cases.push(...await measureCase(ferry, guests, full, 'full', false));
    cases.push(...await measureCase(ferry, guests, offline, 'disk', false));
    cases.push(...await measureCase(ferry, guests, live, 'disk', true));
    report({ started, load0 }, cases);
  } finally {
    await cleanUp();
  }
}

function report(meta: { started: number; load0: number[] }, cases: Case[]): void {
  const rows = cases.map((c) => {
    const a = c.samples.filter((s) => s.way === 'api' && s.ok).map((s) => s.ms);
    const v = c.samples.filter((s) => s.way === 'virsh' && s.ok).map((s) => s.ms);
    const calls = c.samples.filter((s) => s.way === 'api' && s.calls !== undefined).map((s) => s.calls!);
    return { c, api: median(a), virsh: median(v), apiMin: Math.min(...a), virshMin: Math.min(...v), calls: median(calls), failed: c.samples.filter((s) => !s.ok).length };
  });
  console.log('\nmedians and minima (ms); API = POST + long-poll of the task over HTTP; virsh = one process\n');
  console.log(table(['operation', 'API median', 'virsh median', 'API ÷ virsh', 'API min', 'virsh min', 'libvirt calls (API)', 'failed'],
    rows.map((r) => [r.c.id, fmt(r.api, 1), fmt(r.virsh, 1), (r.api / r.virsh).toFixed(2), fmt(r.apiMin, 1), fmt(r.virshMin, 1), fmt(r.calls), String(r.failed)]),
    [false, true, true, true, true, true, true, true]));
  console.log('\nnot measured: reverting an external snapshot (libvirt 9.0 refuses it; Ferry answers 409 before calling libvirt).');
  const verdicts: Verdict[] = rows.map((r) => {
    const limit = GOALS.factor * r.virsh + GOALS.slackMs;
    return {
      goal: `${r.c.id} through the API ≤ ${GOALS.factor}× virsh + ${GOALS.slackMs} ms`,
      measured: `${fmt(r.api, 1)} ms vs limit ${fmt(limit, 1)} ms (virsh ${fmt(r.virsh, 1)} ms; ${(r.api / r.virsh).toFixed(2)}×)`,
      pass: r.api <= limit && r.failed === 0,
      note: `${cfg.samples} interleaved pairs, ${cfg.memoryMiB} MiB guest; Ferry made ${fmt(r.calls)} libvirt calls per request (checks, the operation` +
        `${r.c.id.includes('ext.') ? ', consistency label, pool refresh' : ''})` + (r.failed ? `; ${r.failed} failed samples: the verdict cannot pass` : '') +
        (r.c.retakes ? `; ${r.c.retakes} sample(s) retaken after libvirtd was restarted by another process` : ''),
    };
  });
  const { load1, cpus: n } = printVerdicts(verdicts, meta);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({
    bench: 'snapshots', date: new Date(meta.started).toISOString(), seconds: (Date.now() - meta.started) / 1000,
    env: { node: process.version, cpus: n, cpuModel: cpus()[0]?.model ?? null, loadavgStart: meta.load0, loadavgEnd: load1 },
    config: cfg, goals: GOALS, verdicts, cases,
  }, null, 2)}\n`);
  console.log(`raw results: ${relative(process.cwd(), outFile)}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof BenchError ? `\nsnapshots bench: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
