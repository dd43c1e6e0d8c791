// Benchmark: Ferry's VM list and VM creation on the real daemon (qemu:///system), in one run.
//
// Goals (issue F3):
//   1. with 1,000 domains defined, `GET /api/v1/vms` ≤ 1.5× the raw bulk baseline measured in
//      the same run and process: `conn.listDomains()` + `conn.getAllDomainStats(STATE|BALLOON|
//      VCPU)` through @ferry/libvirt (both in flight at once, the best the binding can do), and
//      the libvirt calls per request do not grow with the number of VMs;
//   2. create + start through the API ≤ 1.2× (`virsh define` + `virsh start`) + 20 ms;
//   3. ten parallel creates through the API (start: false, then start: true) all succeed.
//
// Method. Ferry runs in this process (harness.ts: buildApp, in-memory DB, logger off, host
// 'local' = qemu:///system) and is reached over real HTTP on 127.0.0.1 with fetch and an
// Administrator API token. Its libvirt calls are counted by wrapping its CallPool's call().
//   1. The bench defines minimal shut-off domains (64 MiB, no disk, no NIC) through its own
//      Libvirt until it has each of COUNTS, and starts RUNNING of them so the list has running
//      ones. At each count, after libvirt's 'defined' events have landed: one cold GET /vms
//      (Ferry has not seen these VMs: it reads each one's XML once for tags/MACs and caches it,
//      see apps/server/src/modules/vms/vm-catalog.ts), then WARM_REQUESTS warm ones; calls and
//      time of each. At the last count, ROUNDS interleaved rounds of the baseline, GET (timed
//      to the last byte of the body) and, for information, getAllDomainStats alone (the one
//      bulk call Ferry's list makes), order rotating; the verdict is the median of the
//      per-round ratios GET ÷ baseline. Then every bench domain is removed.
//   2. A warm-up create through the API gives the XML Ferry builds (`virsh dumpxml --inactive
//      --security-info`, via the binding); virsh samples define a copy of it with a new name and
//      uuid, so both sides define and start the same devices (type qemu: Ferry picks TCG here).
//      API sample: POST /vms {name, memoryMiB, vcpus: 1, disks: [], nics: [], start: true}, then
//      GET /tasks/:id?wait=30 until finished. virsh sample: `virsh define <file>` then `virsh
//      start <name>`, two processes, as an admin would type them. CREATE_SAMPLES pairs,
//      order alternating; each guest is destroyed and undefined (untimed) after its sample.
//      Phases: the task's timestamps and log lines split the API time; virsh's two processes
//      split its own. Then, for information, the define alone through the binding with and
//      without VIR_DOMAIN_DEFINE_VALIDATE (Ferry validates; `virsh define` does not by default).
//   3. PARALLEL POST /vms at once (each then waits on its task), start: false and start: true;
//      wall time from the first POST to the last finished task; then virsh must list them all
//      (running, for start: true).
// Every domain is named ferry-bench-<run id>-… and removed at the end, on failure and on Ctrl-C.
// Guests never get a NIC: no network traffic.
//
// Run: pnpm bench:vms (or pnpm exec tsx scripts/bench/vms/run.ts); needs libvirtd on qemu:///system.
// Env: COUNTS (10,100,1000), RUNNING (2), WARM_REQUESTS (3), ROUNDS (15), CREATE_SAMPLES (11),
//      PARALLEL (10), MEMORY_MIB (64). Raw results: scripts/bench/.out/vms.json.
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { randomUUID } from 'node:crypto';
import { constants as C } from '../../../packages/libvirt/src/index.ts';
import { printVerdicts, type Verdict } from '../report.ts';
import { BenchError, envInt, fmt, median, repo, sleep, table } from '../server-requests/harness.ts';
import {
  BenchDomains, api, callsBetween, cleanUpOnSignal, createVm, requireDaemon, startFerry, virsh, type CallCount, type Ferry,
} from './harness.ts';

const outFile = join(repo, 'scripts/bench/.out/vms.json');
const STATS = C.VIR_DOMAIN_STATS_STATE | C.VIR_DOMAIN_STATS_BALLOON | C.VIR_DOMAIN_STATS_VCPU;

const cfg = {
  counts: (process.env.COUNTS || '10,100,1000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b),
  running: envInt('RUNNING', 2),
  warmRequests: Math.max(1, envInt('WARM_REQUESTS', 3)),
  rounds: Math.max(1, envInt('ROUNDS', 15)),
  createSamples: Math.max(1, envInt('CREATE_SAMPLES', 11)),
  parallel: Math.max(1, envInt('PARALLEL', 10)),
  memoryMiB: envInt('MEMORY_MIB', 64),
};
const GOALS = { listVsBaseline: 1.5, createFactor: 1.2, createSlackMs: 20 };
const now = () => performance.now();

// ---------------------------------------------------------------------------------------------
// 1. the list

interface Get { ms: number; calls: CallCount; items: number; mine: number }
interface Level { domains: number; onHost: number; running: number; cold: Get; warm: Get[] }
interface ListResult { levels: Level[]; rounds: { baselineMs: number; statsMs: number; getMs: number; ratio: number }[]; defineS: number[]; cleanUpS: number }

async function timedGet(ferry: Ferry, prefix: string): Promise<Get> {
  const c0 = ferry.calls();
  const t = now();
  const res = await fetch(`${ferry.base}/vms`, { headers: ferry.headers });
  const text = await res.text();
  const ms = now() - t;
  const calls = callsBetween(c0, ferry.calls());
  if (res.status !== 200) throw new BenchError(`GET /vms answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  const items = (JSON.parse(text) as { items: { name: string }[] }).items;
  return { ms, calls, items: items.length, mine: items.filter((v) => v.name.startsWith(prefix)).length };
}

async function baseline(doms: BenchDomains): Promise<number> {
  const t = now();
  await Promise.all([doms.conn.listDomains(), doms.conn.getAllDomainStats(STATS)]);
  return now() - t;
}

/** For information: the one bulk call Ferry's list makes itself (its records carry name and uuid). */
async function statsAlone(doms: BenchDomains): Promise<number> {
  const t = now();
  await doms.conn.getAllDomainStats(STATS);
  return now() - t;
}

const ops = (c: CallCount) => Object.entries(c.byOp).map(([op, n]) => `${op} ${n}`).join(', ');

async function listPart(ferry: Ferry, doms: BenchDomains): Promise<ListResult> {
  const out: ListResult = { levels: [], rounds: [], defineS: [], cleanUpS: 0 };
  for (const n of cfg.counts) {
    out.defineS.push(await doms.defineUpTo(n, cfg.memoryMiB));
    if (out.levels.length === 0) {
      for (const uuid of doms.defined.slice(0, cfg.running)) await doms.conn.domain(uuid).start();
    }
    await doms.settleEvents();
    const all = await doms.conn.listDomains();
    const cold = await timedGet(ferry, doms.prefix);
    const warm: Get[] = [];
    for (let i = 0; i < cfg.warmRequests; i++) warm.push(await timedGet(ferry, doms.prefix));
    if (cold.mine !== n) throw new BenchError(`GET /vms listed ${cold.mine} of the ${n} bench domains`);
    const level: Level = { domains: n, onHost: all.length, running: all.filter((d) => d.id > 0).length, cold, warm };
    out.levels.push(level);
    console.log(`  ${fmt(n)} bench domains (${fmt(level.onHost)} on the host, ${level.running} running; defined in ${out.defineS.at(-1)!.toFixed(1)} s): ` +
      `cold GET ${fmt(cold.ms, 1)} ms, ${cold.calls.total} calls; warm ${warm.map((w) => `${fmt(w.ms, 1)} ms/${w.calls.total} calls`).join(', ')}`);
  }
  const last = cfg.counts.at(-1)!;
  console.log(`  timing at ${fmt(last)}: ${cfg.rounds} rounds of baseline, stats alone and GET /vms (order rotating), after 2 warm-up rounds`);
  const variants = [() => baseline(doms), () => statsAlone(doms), async () => (await timedGet(ferry, doms.prefix)).ms];
  for (let i = 0; i < 2; i++) for (const v of variants) await v();
  for (let r = 0; r < cfg.rounds; r++) {
    const ms = [0, 0, 0];
    for (let k = 0; k < 3; k++) { const j = (k + r) % 3; ms[j] = await variants[j]!(); }
    out.rounds.push({ baselineMs: ms[0]!, statsMs: ms[1]!, getMs: ms[2]!, ratio: ms[2]! / ms[0]! });
  }
  const t = now();
  const removed = await doms.cleanUp();
  out.cleanUpS = (now() - t) / 1000;
  console.log(`  removed the ${removed} bench domains in ${out.cleanUpS.toFixed(1)} s`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// 2. create + start, API vs virsh

/** phases: API — plan (POST handler checks + queue, to task start), define, start (from the task's
 *  log lines), reply (task end to the waiting GET's answer); virsh — define, start (each a process). */
interface CreateSample { kind: 'api' | 'virsh'; i: number; ms: number; ok: boolean; detail: string; phases: Record<string, number> }
interface CreateResult { domainType: string; samples: CreateSample[]; defineOnly: { flags: number; ms: number }[] }

const body = (name: string, start: boolean) => ({ name, memoryMiB: cfg.memoryMiB, vcpus: 1, disks: [], nics: [], start });

async function apiSample(ferry: Ferry, doms: BenchDomains, name: string, i: number): Promise<CreateSample> {
  doms.check();
  const wall = Date.now();
  const t = now();
  const r = await createVm(ferry, body(name, true));
  const ms = now() - t;
  if (r.vmId) await doms.remove(r.vmId);
  const ok = r.task?.state === 'succeeded';
  if (!ok) return { kind: 'api', i, ms, ok, phases: {}, detail: `HTTP ${r.status}, task ${r.task?.state ?? '–'} ${r.error ?? JSON.stringify(r.task?.error ?? '')}` };
  const task = r.task!;
  const log = (await api<{ items: { at: string; message: string }[] }>(ferry, 'GET', `/tasks/${task.id}/log`)).json.items;
  const at = (f: (m: string) => boolean) => Date.parse(log.find((l) => f(l.message))?.at ?? '');
  const [started, defined, running, finished] = [Date.parse(task.startedAt ?? ''), at((m) => m.startsWith('defined VM')), at((m) => m === 'started'), Date.parse(task.finishedAt ?? '')];
  const phases = { plan: started - wall, define: defined - started, start: running - defined, reply: wall + ms - finished };
  return { kind: 'api', i, ms, ok, phases, detail: Object.entries(phases).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') + ' ms' };
}

async function virshSample(doms: BenchDomains, template: { xml: string; name: string }, dir: string, name: string, i: number): Promise<CreateSample> {
  const uuid = randomUUID();
  doms.check();
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, template.xml.replaceAll(template.name, name).replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${uuid}</uuid>`));
  const t = now();
  let detail = '';
  let ok = true;
  const phases: Record<string, number> = {};
  try {
    await virsh(['define', file]);
    const t1 = now();
    await virsh(['start', name]);
    Object.assign(phases, { define: t1 - t, start: now() - t1 });
    detail = `define ${fmt(phases.define!)}, start ${fmt(phases.start!)} ms`;
  } catch (e) {
    ok = false;
    detail = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
  const ms = now() - t;
  await doms.remove(uuid);
  return { kind: 'virsh', i, ms, ok, detail, phases };
}

/** For information: defining Ferry's XML through the binding, with libvirt's schema check
 *  (VIR_DOMAIN_DEFINE_VALIDATE, what Ferry passes) and without (what `virsh define` does). */
async function defineOnly(doms: BenchDomains, template: { xml: string; name: string }, n: number): Promise<{ flags: number; ms: number }[]> {
  const out: { flags: number; ms: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (const flags of i % 2 ? [C.VIR_DOMAIN_DEFINE_VALIDATE, 0] : [0, C.VIR_DOMAIN_DEFINE_VALIDATE]) {
      doms.check();
      const uuid = randomUUID();
      const name = `${doms.prefix}d${i}f${flags}`;
      const t = now();
      await doms.conn.defineDomain(template.xml.replaceAll(template.name, name).replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${uuid}</uuid>`), flags);
      out.push({ flags, ms: now() - t });
      await doms.remove(uuid);
    }
  }
  return out;
}

async function createPart(ferry: Ferry, doms: BenchDomains, dir: string): Promise<CreateResult> {
  // Warm-up through the API (also runs Ferry's one-off host readiness probe) gives the template.
  const name = `${doms.prefix}template`;
  const w = await createVm(ferry, body(name, true));
  if (!w.vmId || w.task?.state !== 'succeeded') throw new BenchError(`warm-up create failed: HTTP ${w.status} ${w.error ?? JSON.stringify(w.task)}`);
  const xml = await doms.conn.domain(w.vmId).getXML(C.VIR_DOMAIN_XML_INACTIVE | C.VIR_DOMAIN_XML_SECURE);
  await doms.remove(w.vmId);
  const template = { xml, name };
  const domainType = /<domain type='(\w+)'/.exec(xml)?.[1] ?? '?';
  console.log(`  Ferry's XML for the VM: domain type ${domainType}, ${xml.length} bytes; warm-up virsh define + start`);
  const wv = await virshSample(doms, template, dir, `${doms.prefix}vwarm`, -1);
  if (!wv.ok) throw new BenchError(`warm-up virsh define + start failed: ${wv.detail}`);
  const samples: CreateSample[] = [];
  for (let i = 0; i < cfg.createSamples; i++) {
    const pair = [() => apiSample(ferry, doms, `${doms.prefix}c${i}api`, i), () => virshSample(doms, template, dir, `${doms.prefix}c${i}virsh`, i)];
    for (const f of i % 2 ? pair.reverse() : pair) {
      const s = await f();
      samples.push(s);
      console.log(`  ${s.kind.padEnd(5)} #${i + 1}: ${fmt(s.ms, 1)} ms${s.ok ? '' : ' FAILED'} (${s.detail})`);
      await sleep(200);
    }
  }
  return { domainType, samples, defineOnly: await defineOnly(doms, template, 5) };
}

// ---------------------------------------------------------------------------------------------
// 3. parallel creates

interface ParallelResult { start: boolean; wallMs: number; latencyMs: number[]; succeeded: number; inVirsh: number; errors: string[] }

async function parallelPart(ferry: Ferry, doms: BenchDomains, start: boolean): Promise<ParallelResult> {
  doms.check();
  const names = Array.from({ length: cfg.parallel }, (_, i) => `${doms.prefix}p${start ? 's' : 'd'}${i}`);
  const t = now();
  const results = await Promise.all(names.map((n) => createVm(ferry, body(n, start)).then((r) => ({ ...r, ms: now() - t }))));
  const wallMs = now() - t;
  const listed = new Set((await virsh(['list', '--name', ...(start ? [] : ['--all'])])).stdout.split('\n').map((s) => s.trim()));
  const errors = results.filter((r) => r.task?.state !== 'succeeded').map((r) => `HTTP ${r.status}, task ${r.task?.state ?? '–'}: ${r.error ?? JSON.stringify(r.task?.error ?? '')}`);
  for (const r of results) if (r.vmId) await doms.remove(r.vmId);
  return {
    start, wallMs, latencyMs: results.map((r) => r.ms), succeeded: results.length - errors.length,
    inVirsh: names.filter((n) => listed.has(n)).length, errors,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const load0 = loadavg();
  await requireDaemon();
  const tmp = mkdtempSync(join(tmpdir(), 'ferry-bench-vms-'));
  const doms = new BenchDomains();
  let ferry: Ferry | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanUp = () => (cleaned ??= (async () => {
    // Domains first: Ferry's close may wait for its tasks and keep-alive connections.
    const n = await doms.cleanUp(true).catch((e: unknown) => { console.error(e); return 0; });
    if (n) console.log(`clean-up: removed ${n} domain(s) left by this run`);
    if (ferry) await Promise.race([ferry.app.close(), sleep(10_000)]).catch(() => undefined);
    await doms.cleanUp(true).catch(() => 0); // anything a task of Ferry's made while it closed
    await doms.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  })());
  cleanUpOnSignal(cleanUp);
  try {
    await doms.open();
    ferry = await startFerry();
    console.log(`run ${doms.prefix}*; Ferry in-process on ${ferry.base}; ${(await doms.conn.listDomains()).length} domains on the host before the run`);
    console.log(`\n1. GET /vms at ${cfg.counts.join(', ')} bench domains (${cfg.running} running)`);
    const list = await listPart(ferry, doms);
    console.log('\n2. create + start: API vs virsh define + virsh start');
    const create = await createPart(ferry, doms, tmp);
    console.log(`\n3. ${cfg.parallel} parallel creates through the API`);
    const parallel: ParallelResult[] = [];
    for (const start of [false, true]) {
      const p = await parallelPart(ferry, doms, start);
      parallel.push(p);
      console.log(`  start: ${start}: ${fmt(p.wallMs)} ms wall, ${p.succeeded}/${cfg.parallel} tasks succeeded, ${p.inVirsh} listed by virsh${p.errors.length ? `; ${p.errors[0]}` : ''}`);
    }
    report({ started, load0 }, list, create, parallel);
  } finally {
    await cleanUp();
  }
}

function report(meta: { started: number; load0: number[] }, list: ListResult, create: CreateResult, parallel: ParallelResult[]): void {
  console.log('\nGET /vms: libvirt calls Ferry made per request and time to the last byte. cold = the first request after the count grew:');
  console.log('it also reads the XML of each VM Ferry has not seen yet (the ones added since the previous count), once; warm = the requests after it.\n');
  console.log(table(
    ['bench domains', 'on host', 'running', 'cold ms', 'cold calls', 'warm ms (median)', 'warm calls', 'warm calls by op'],
    list.levels.map((l) => [fmt(l.domains), fmt(l.onHost), String(l.running), fmt(l.cold.ms, 1), String(l.cold.calls.total),
      fmt(median(l.warm.map((w) => w.ms)), 1), [...new Set(l.warm.map((w) => w.calls.total))].join('/'), ops(l.warm.at(-1)!.calls)]),
    [true, true, true, true, true, true, true, false],
  ));
  const coldOps = list.levels.map((l) => `${fmt(l.domains)}: ${ops(l.cold.calls)}`).join('; ');
  console.log(`cold calls by op: ${coldOps}`);

  const b = median(list.rounds.map((r) => r.baselineMs));
  const g = median(list.rounds.map((r) => r.getMs));
  const ratio = median(list.rounds.map((r) => r.ratio));
  const last = list.levels.at(-1)!;
  const bMin = Math.min(...list.rounds.map((r) => r.baselineMs));
  const gMin = Math.min(...list.rounds.map((r) => r.getMs));
  console.log(`\nAt ${fmt(last.domains)} domains, ${list.rounds.length} interleaved rounds (ms):\n`);
  console.log(table(['what', 'median', 'min', 'max'], [
    ['baseline: listDomains + getAllDomainStats(STATE|BALLOON|VCPU), in parallel', fmt(b, 1), fmt(bMin, 1), fmt(Math.max(...list.rounds.map((r) => r.baselineMs)), 1)],
    ['for information: getAllDomainStats alone (the bulk call Ferry makes)', fmt(median(list.rounds.map((r) => r.statsMs)), 1),
      fmt(Math.min(...list.rounds.map((r) => r.statsMs)), 1), fmt(Math.max(...list.rounds.map((r) => r.statsMs)), 1)],
    ['GET /api/v1/vms over HTTP, to the last byte', fmt(g, 1), fmt(gMin, 1), fmt(Math.max(...list.rounds.map((r) => r.getMs)), 1)],
    ['per-round ratio GET ÷ baseline', ratio.toFixed(2), Math.min(...list.rounds.map((r) => r.ratio)).toFixed(2), Math.max(...list.rounds.map((r) => r.ratio)).toFixed(2)],
  ], [false, true, true, true]));
  const warmTotals = [...new Set(list.levels.flatMap((l) => l.warm.map((w) => w.calls.total)))];

  const byApi = create.samples.filter((s) => s.kind === 'api' && s.ok);
  const byVirsh = create.samples.filter((s) => s.kind === 'virsh' && s.ok);
  const apiMs = median(byApi.map((s) => s.ms));
  const virMs = median(byVirsh.map((s) => s.ms));
  const phase = (ss: CreateSample[], k: string) => (ss.some((x) => k in x.phases) ? fmt(median(ss.map((x) => x.phases[k] ?? NaN)), 1) : '–');
  const row = (label: string, ss: CreateSample[]) => [label, fmt(median(ss.map((x) => x.ms)), 1), fmt(Math.min(...ss.map((x) => x.ms)), 1), fmt(Math.max(...ss.map((x) => x.ms)), 1),
    ...['plan', 'define', 'start', 'reply'].map((k) => phase(ss, k))];
  const defineMs = (flags: number) => median(create.defineOnly.filter((d) => d.flags === flags).map((d) => d.ms));
  const limit = GOALS.createFactor * virMs + GOALS.createSlackMs;
  const createBad = create.samples.filter((s) => !s.ok).length;
  const perPair = byApi.flatMap((a) => byVirsh.filter((v) => v.i === a.i).map((v) => a.ms / v.ms));
  console.log(`\nCreate + start (${create.domainType}, ${cfg.memoryMiB} MiB, no disk, no NIC): median of ${cfg.createSamples} samples each.\n`);
  console.log('Phases (medians): plan = the POST handler\'s checks and the queue, to the task\'s start; define and start from the task\'s log lines;');
  console.log('reply = task end to the long poll\'s answer (ms-resolution timestamps). virsh: each phase is one virsh process.\n');
  console.log(table(['way', 'median ms', 'min ms', 'max ms', 'plan', 'define', 'start', 'reply'], [
    row('API: POST /vms + GET /tasks/:id?wait=30', byApi),
    row('virsh define + virsh start', byVirsh),
  ], [false, true, true, true, true, true, true, true]));
  console.log(`\nFor information, defining Ferry's XML through the binding (median of ${create.defineOnly.length / 2}): ` +
    `${fmt(defineMs(C.VIR_DOMAIN_DEFINE_VALIDATE), 1)} ms with VIR_DOMAIN_DEFINE_VALIDATE (Ferry's define), ${fmt(defineMs(0), 1)} ms without (virsh define's default).`);

  const verdicts: Verdict[] = [
    {
      goal: `GET /api/v1/vms at ${fmt(last.domains)} domains ≤ ${GOALS.listVsBaseline}× listDomains + getAllDomainStats through the binding`,
      measured: `${ratio.toFixed(2)}× (median of ${list.rounds.length} per-round ratios; medians ${fmt(g, 1)} vs ${fmt(b, 1)} ms = ${(g / b).toFixed(2)}×, minima ${fmt(gMin, 1)} vs ${fmt(bMin, 1)} ms = ${(gMin / bMin).toFixed(2)}×)`,
      pass: ratio <= GOALS.listVsBaseline,
      note: `GET ÷ getAllDomainStats alone ${median(list.rounds.map((r) => r.getMs / r.statsMs)).toFixed(2)}× (Ferry lists from that one bulk call, no listDomains); ` +
        `${fmt(last.onHost)} domains on the host, ${last.running} running; GET timed over HTTP on 127.0.0.1 to the last byte (${fmt(last.cold.items)} items), client in the same process`,
    },
    {
      goal: 'libvirt calls per GET /vms do not grow with the number of VMs (warm requests)',
      measured: list.levels.map((l) => `${fmt(l.domains)}: ${[...new Set(l.warm.map((w) => w.calls.total))].join('/')}`).join(', ') + ' calls',
      pass: warmTotals.length === 1,
      note: `cold first request (reads each unseen VM's XML once, then cached): ${list.levels.map((l) => `${fmt(l.domains)}: ${l.cold.calls.total} calls, ${fmt(l.cold.ms)} ms`).join('; ')}`,
    },
    {
      goal: `create + start through the API ≤ ${GOALS.createFactor}× (virsh define + virsh start) + ${GOALS.createSlackMs} ms`,
      measured: `${fmt(apiMs, 1)} ms vs limit ${fmt(limit, 1)} ms (virsh ${fmt(virMs, 1)} ms; API ÷ virsh ${(apiMs / virMs).toFixed(2)}×)`,
      pass: apiMs <= limit && createBad === 0,
      note: `${cfg.createSamples} interleaved pairs (per-pair API ÷ virsh median ${median(perPair).toFixed(2)}×), domain type ${create.domainType}; virsh defines Ferry's own XML renamed; ` +
        `Ferry's define checks the XML against libvirt's schema (${fmt(defineMs(C.VIR_DOMAIN_DEFINE_VALIDATE))} vs ${fmt(defineMs(0))} ms through the binding)` + (createBad ? `; ${createBad} failed samples: the verdict cannot pass` : ''),
    },
    ...parallel.map((p): Verdict => ({
      goal: `${cfg.parallel} parallel creates through the API, start: ${p.start}: no errors, all ${p.start ? 'running' : 'defined'} in virsh`,
      measured: `${fmt(p.wallMs)} ms wall; ${p.succeeded}/${cfg.parallel} tasks succeeded, ${p.inVirsh}/${cfg.parallel} listed by virsh`,
      pass: p.succeeded === cfg.parallel && p.inVirsh === cfg.parallel,
      note: `per create (POST to task finished) median ${fmt(median(p.latencyMs))} ms, max ${fmt(Math.max(...p.latencyMs))} ms` +
        (p.start ? `; ${cfg.parallel} sequential creates would take ~${fmt(cfg.parallel * apiMs)} ms at the part-2 median` : '') +
        (p.errors.length ? `; first error: ${p.errors[0]}` : ''),
    })),
  ];
  const { load1, cpus: n } = printVerdicts(verdicts, meta);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({
    bench: 'vms', date: new Date(meta.started).toISOString(), seconds: (Date.now() - meta.started) / 1000,
    env: { node: process.version, cpus: n, cpuModel: cpus()[0]?.model ?? null, loadavgStart: meta.load0, loadavgEnd: load1 },
    config: cfg, goals: GOALS, verdicts, list, create, parallel,
  }, null, 2)}\n`);
  console.log(`raw results: ${relative(process.cwd(), outFile)}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof BenchError ? `\nvms bench: ${e.message}` : e instanceof Error ? e.stack : e);
  process.exit(1);
});
