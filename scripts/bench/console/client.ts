// The console benchmark's other process: the stand-in VNC server (the endpoint both relays
// reach) and the two viewers, so Ferry's process does nothing but relay — as websockify's does.
// Talks to run.ts over fork IPC: sends {port}, receives {ferryUrl, ferryHeaders, websockifyUrl,
// password, cfg}, answers {rows} (or {error}).
import { fakeVncServer } from '../../../apps/server/src/test-support/console-socket.ts';
import { sleep } from '../server-requests/harness.ts';
import { RfbProbe } from './rfb-probe.ts';

export interface Job {
  ferryUrl: string; ferryHeaders: Record<string, string>; websockifyUrl: string; password: string;
  cfg: { rounds: number; roundtrips: number; seconds: number; window: number; chunk: number };
}
export interface Row { round: number; path: 'ferry' | 'websockify'; p50: number; p99: number; mbps: number }

const vnc = await fakeVncServer(process.env.BENCH_VNC_PASSWORD ?? 'benchpw');
process.send!({ port: vnc.port });

process.once('message', (job: Job) => {
  run(job).then((rows) => process.send!({ rows }), (e: unknown) => process.send!({ error: String(e) }))
    .finally(() => { void vnc.close().then(() => process.exit(0)); });
});

async function run({ ferryUrl, ferryHeaders, websockifyUrl, password, cfg }: Job): Promise<Row[]> {
  const ferry = await RfbProbe.open(ferryUrl, ferryHeaders);
  await ferry.handshake(null);
  let direct: RfbProbe | null = null;
  for (let i = 0; i < 50 && !direct; i++) {
    await sleep(100);
    direct = await RfbProbe.open(websockifyUrl).catch(() => null);
  }
  if (!direct) throw new Error('websockify did not come up (apt-get install websockify)');
  await direct.handshake(password);

  const small = Buffer.alloc(16, 1);
  const latency = async (p: RfbProbe) => {
    const samples: number[] = [];
    for (let i = 0; i < cfg.roundtrips; i++) samples.push(await p.roundTrip(small));
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
  };
  for (const p of [ferry, direct]) { await latency(p); await p.pump(1, cfg.chunk, cfg.window); } // warm-up (JIT, TCP windows)
  const rows: Row[] = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const [path, probe] of [['ferry', ferry], ['websockify', direct]] as const) {
      const l = await latency(probe);
      const mbps = await probe.pump(cfg.seconds, cfg.chunk, cfg.window);
      rows.push({ round, path, ...l, mbps });
      console.log(`round ${round} ${path.padEnd(10)} RTT p50 ${l.p50.toFixed(3)} ms  p99 ${l.p99.toFixed(3)} ms  ${mbps.toFixed(1)} MB/s`);
    }
  }
  ferry.close();
  direct.close();
  return rows;
}
