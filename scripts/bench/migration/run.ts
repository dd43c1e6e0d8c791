// Benchmark: live migration through Ferry against `virsh migrate` of the same kind, in one run,
// in the two-host lab (scripts/lab) with one 256 MiB tiny guest under TCG on shared storage.
//
// Goals (issue F7): the measured downtime of Ferry's migrations ≤ the configured maximum
// (libvirt's default 300 ms, which Ferry leaves alone unless asked), and Ferry's total time
// ≤ 1.3× the same migration by virsh.
//
// Method. Ferry runs in this process (test app: in-memory DB, host 'local' = lab host A,
// 'lab-b' = host B, each with its tcp migration URI) and is called through app.inject — the
// HTTP layer costs microseconds against migrations of seconds. A Ferry sample is POST …/migrate
// then GET /tasks/:id?wait= until it finished; a virsh sample is one `virsh migrate --live --p2p
// --persistent --undefinesource --unsafe` process, the flags Ferry's task uses for shared
// storage. The guest moves every sample, so directions alternate (A→B, B→A) and the order of
// Ferry and virsh alternates per pair. Downtime: Ferry's task result; virsh: `domjobinfo
// --completed` on the destination. Verdict on medians.
//
// Run (root): pnpm bench:migration. Env: SAMPLES (5 pairs). Raw results: scripts/bench/.out/migration.json.
// A measurement, not a test: exits 0 whatever the verdicts (1 only when it cannot measure).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { buildTestApp } from '../../../apps/server/src/test-support/build-test-app.ts';
import { tokenFor } from '../../../apps/server/src/test-support/auth-helpers.ts';
import { ensureTinyGuest, MARKERS } from '../../tinyguest/tinyguest.ts';
import { ConsoleReader } from '../../testing/console-reader.ts';
import { labDown, labUp, virsh, type LabHost } from '../../lab/lab.ts';
import { printVerdicts, type Verdict } from '../report.ts';

const SAMPLES = Number(process.env.SAMPLES ?? 5);
const MAX_DOWNTIME_MS = 300;
const started = Date.now();
const load0 = loadavg();
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

const lab = labUp();
const app = await buildTestApp({ libvirtUri: lab.uri.A });
const admin = await tokenFor(app, 'bench-admin', 'Administrator');
await app.hosts.update('local', { migrationUri: lab.p2p.A });
app.hosts.create({ id: 'lab-b', name: 'lab host B', uri: lab.uri.B, migrationUri: lab.p2p.B });
await app.hosts.get('lab-b').waitConnected(20_000);
const hostId: Record<LabHost, string> = { A: 'local', B: 'lab-b' };

const image = await ensureTinyGuest();
const name = `ferry-test-bench-mig-${randomBytes(3).toString('hex')}`;
const disk = `${lab.shared}/${name}.qcow2`;
copyFileSync(image.qcow2, disk);
for (const h of ['A', 'B'] as const) virsh(lab, h, 'pool-refresh', 'shared');
const conn = app.hosts.get('local').requireConnection();
const { uuid } = await conn.defineDomain(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os><features><acpi/><apic/></features>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
  <serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console></devices></domain>`);
await conn.domain(uuid).start();
const serial = new ConsoleReader(await conn.openConsole(uuid));
await serial.waitFor(MARKERS.ready, 120_000);
await serial.stream.abort();

let at: LabHost = 'A';
const other = (h: LabHost): LabHost => (h === 'A' ? 'B' : 'A');

async function viaFerry(): Promise<{ totalMs: number; downtimeMs: number }> {
  const t0 = performance.now();
  const r = await app.inject({ method: 'POST', url: `/api/v1/vms/${uuid}/migrate`, headers: admin, payload: { targetHostId: hostId[other(at)] } });
  if (r.statusCode !== 202) throw new Error(`migrate: ${r.statusCode} ${r.body}`);
  const taskId = r.json().taskId as string;
  for (;;) {
    const t = (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=30`, headers: admin })).json() as { state: string; result?: { downtimeMs: number }; error?: unknown };
    if (t.state === 'queued' || t.state === 'running') continue;
    const totalMs = performance.now() - t0;
    if (t.state !== 'succeeded') throw new Error(`Ferry migration ${t.state}: ${JSON.stringify(t.error)}`);
    at = other(at);
    return { totalMs, downtimeMs: t.result!.downtimeMs };
  }
}

function viaVirsh(): { totalMs: number; downtimeMs: number } {
  const to = other(at);
  const t0 = performance.now();
  virsh(lab, at, 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--unsafe', name, lab.p2p[to]);
  const totalMs = performance.now() - t0;
  const info = virsh(lab, to, 'domjobinfo', '--completed', name);
  const m = /Total downtime:\s+(\d+)/.exec(info);
  at = to;
  return { totalMs, downtimeMs: m ? Number(m[1]) : NaN };
}

const ferry: { totalMs: number; downtimeMs: number }[] = [];
const plain: { totalMs: number; downtimeMs: number }[] = [];
try {
  await viaFerry(); viaVirsh(); // warm-up pair: first connections, page cache
  for (let i = 0; i < SAMPLES; i++) {
    if (i % 2 === 0) { ferry.push(await viaFerry()); plain.push(viaVirsh()); } else { plain.push(viaVirsh()); ferry.push(await viaFerry()); }
    console.log(`pair ${i + 1}: Ferry ${ferry.at(-1)!.totalMs.toFixed(0)} ms (downtime ${ferry.at(-1)!.downtimeMs} ms), virsh ${plain.at(-1)!.totalMs.toFixed(0)} ms (downtime ${plain.at(-1)!.downtimeMs} ms)`);
  }
} finally {
  try { virsh(lab, at, 'destroy', name); } catch { /* already gone */ }
  try { virsh(lab, at, 'undefine', name); } catch { /* already gone */ }
  rmSync(disk, { force: true });
  await app.close();
  if (!lab.wasUp) labDown(); // leave the machine as the bench found it
}

const fTotal = median(ferry.map((s) => s.totalMs));
const vTotal = median(plain.map((s) => s.totalMs));
const worstDown = Math.max(...ferry.map((s) => s.downtimeMs));
const verdicts: Verdict[] = [
  { goal: `downtime ≤ ${MAX_DOWNTIME_MS} ms (the configured maximum)`, measured: `worst ${worstDown} ms, median ${median(ferry.map((s) => s.downtimeMs))} ms over ${ferry.length}`, pass: worstDown <= MAX_DOWNTIME_MS, note: `virsh's median downtime in the same run: ${median(plain.map((s) => s.downtimeMs))} ms` },
  { goal: 'total time ≤ 1.3× virsh migrate', measured: `median ${fTotal.toFixed(0)} ms vs ${vTotal.toFixed(0)} ms = ${(fTotal / vTotal).toFixed(2)}×`, pass: fTotal <= 1.3 * vTotal, note: 'live, peer-to-peer, shared storage, 256 MiB TCG guest, alternating directions and order' },
];
const env = printVerdicts(verdicts, { started, load0 });
mkdirSync(new URL('../.out/', import.meta.url), { recursive: true });
writeFileSync(new URL('../.out/migration.json', import.meta.url), JSON.stringify({ ferry, virsh: plain, verdicts, ...env }, null, 2));
process.exit(0);
