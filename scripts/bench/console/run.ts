// Benchmark: what Ferry's VNC console proxy costs against websockify (Debian's `websockify`, a
// plain WebSocket-to-TCP relay), both relaying to the SAME VNC endpoint (issue F5: added latency
// per round trip ≤ 2 ms; throughput ≥ 0.8× websockify's).
//
// The endpoint. Not QEMU: QEMU answers a FramebufferUpdateRequest from its display refresh timer
// (30 ms, backing off to 3 s on an idle screen — measured 70–200 ms per round trip on the tiny
// guest under TCG), which hides a 2 ms difference entirely, and it has no message it echoes. So
// both paths reach the stand-in VNC server of the unit tests (test-support/console-socket.ts):
// RFB 3.8 with VNC authentication, then an echo — named by a running test:///default domain's
// <graphics>, exactly as Ferry finds QEMU's (live XML → loopback port → fresh password → VNC
// auth). What differs between the paths is only the relay: Ferry's in-process proxy vs
// websockify's. console.int.test.ts shows the same proxy working against QEMU itself.
// Ferry relays in this process and nothing else runs here; the endpoint and both viewers live in
// a child process (client.ts), websockify in its own.
//   - Ferry: ticket → /console/vnc → security None (Ferry answered the server's challenge);
//   - websockify: the server's own handshake, answering VNC authentication with its password.
//   - latency: round trip of a 16-byte message, one in flight; ROUNDTRIPS per round, p50/p99;
//   - throughput: 64 KiB messages, WINDOW bytes in flight, for SECONDS per round: MB/s echoed.
// Rounds alternate Ferry and websockify (ROUNDS each). Verdicts on the median over rounds:
// added latency = Ferry p50 − websockify p50; ratio = Ferry MB/s ÷ websockify MB/s.
//
// Run: pnpm bench:console. Env: ROUNDS (5), ROUNDTRIPS (2000), SECONDS (3), WINDOW (1048576).
// Raw results: scripts/bench/.out/console.json. A measurement, not a test: exits 0 whatever the
// verdict (1 only when it cannot measure).
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { buildApp } from '../../../apps/server/src/app.ts';
import { testConfig } from '../../../apps/server/src/test-support/build-test-app.ts';
import { openMemoryDatabase } from '../../../apps/server/src/db/database.ts';
import { tokenFor } from '../../../apps/server/src/test-support/auth-helpers.ts';
import { printVerdicts, type Verdict } from '../report.ts';
import { envInt, freePort, here as benchHere, repo } from '../server-requests/harness.ts';
import type { Job, Row } from './client.ts';

const cfg = { rounds: envInt('ROUNDS', 5), roundtrips: envInt('ROUNDTRIPS', 2000), seconds: envInt('SECONDS', 3), window: envInt('WINDOW', 1 << 20), chunk: 64 << 10 };
const outFile = join(repo, 'scripts/bench/.out/console.json');
const here = join(dirname(benchHere), 'console');
const PASSWORD = 'benchpw';
const started = Date.now();
const load0 = loadavg();

const client = fork(join(here, 'client.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_VNC_PASSWORD: PASSWORD } });
const reply = <T>() => new Promise<T>((resolve, reject) => { client.once('message', (m) => resolve(m as T)); client.once('exit', () => reject(new Error('the client process exited'))); });
const vncPort = (await reply<{ port: number }>()).port;
const app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false });
let websockify: ReturnType<typeof spawn> | null = null;
try {
  await app.ready();
  await app.hosts.get('local').waitConnected(10_000);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const conn = app.hosts.get('local').requireConnection();
  const ref = await conn.defineDomain(`<domain type='test'><name>ferry-bench-console</name><memory>65536</memory><os><type>hvm</type></os>`
    + `<devices><graphics type='vnc' port='${vncPort}' autoport='no' listen='127.0.0.1' passwd='${PASSWORD}'/></devices></domain>`);
  await conn.domain(ref.uuid).start();
  const admin = await tokenFor(app, 'bench', 'Administrator');
  const ticket = (await app.inject({ method: 'POST', url: `/api/v1/vms/${ref.uuid}/console`, headers: admin, payload: { kind: 'vnc' } })).json() as { path: string };
  const wsPort = await freePort();
  websockify = spawn('websockify', [`127.0.0.1:${wsPort}`, `127.0.0.1:${vncPort}`], { stdio: 'ignore' });
  console.log(`${cfg.rounds} rounds × (${cfg.roundtrips} round trips + ${cfg.seconds} s bulk, ${cfg.window >> 10} KiB in flight) per path`);
  const job: Job = {
    ferryUrl: `ws://127.0.0.1:${(app.server.address() as { port: number }).port}${ticket.path}`, ferryHeaders: admin,
    websockifyUrl: `ws://127.0.0.1:${wsPort}/`, password: PASSWORD, cfg,
  };
  client.send(job);
  const answer = await reply<{ rows?: Row[]; error?: string }>();
  if (!answer.rows) throw new Error(answer.error);
  const rows = answer.rows;

  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
  const of = (path: string, k: 'p50' | 'p99' | 'mbps') => median(rows.filter((r) => r.path === path).map((r) => r[k]));
  const added = of('ferry', 'p50') - of('websockify', 'p50');
  const addedP99 = of('ferry', 'p99') - of('websockify', 'p99');
  const ratio = of('ferry', 'mbps') / of('websockify', 'mbps');
  console.log(`\nmedians: Ferry p50 ${of('ferry', 'p50').toFixed(3)} ms, p99 ${of('ferry', 'p99').toFixed(3)} ms, ${of('ferry', 'mbps').toFixed(1)} MB/s;`
    + ` websockify p50 ${of('websockify', 'p50').toFixed(3)} ms, p99 ${of('websockify', 'p99').toFixed(3)} ms, ${of('websockify', 'mbps').toFixed(1)} MB/s`);
  const verdicts: Verdict[] = [
    { goal: 'added latency per round trip ≤ 2 ms', measured: `${added.toFixed(3)} ms at p50 (${addedP99.toFixed(3)} ms at p99)`, pass: added <= 2, note: '16-byte echo round trip, Ferry minus websockify, medians over rounds' },
    { goal: 'throughput ≥ 0.8× websockify', measured: `${ratio.toFixed(2)}×`, pass: ratio >= 0.8, note: `64 KiB messages echoed, ${cfg.window >> 10} KiB in flight` },
  ];
  const machine = printVerdicts(verdicts, { started, load0 });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ cfg, rows, added, addedP99, ratio, load0, ...machine }, null, 2));
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  websockify?.kill();
  client.kill();
  await app.close();
}
