// The bench's WebSocket clients, in their own process so their work does not run on the
// server's event loop. Started by run.ts with an IPC channel:
//   parent → { op: 'open', url, headers: [...] }   opens one socket per entry; replies 'opened'
//   parent → { op: 'report' }                      replies { op: 'report', perClient } and closes them
//   parent → { op: 'exit' }
// Each socket stamps a message with process.hrtime.bigint() (CLOCK_MONOTONIC, the same clock in
// every process on the machine) before anything else, relative to the `base` the parent passed
// in argv; messages are parsed only at report time.
import WebSocket from 'ws';

const base = BigInt(process.argv[2] ?? '0');
type Raw = { t: number; data: string };
let sockets: { ws: WebSocket; got: Raw[] }[] = [];

type Msg = { op: 'open'; url: string; headers: Record<string, string>[] } | { op: 'report' } | { op: 'exit' };

function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; got: Raw[] }> {
  const got: Raw[] = [];
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  ws.on('message', (data) => {
    const t = Number(process.hrtime.bigint() - base) / 1e6; // ms
    got.push({ t, data: String(data) });
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, got }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

process.on('message', (m: Msg) => {
  void (async () => {
    if (m.op === 'open') {
      sockets = await Promise.all(m.headers.map((h) => open(m.url, h)));
      process.send!({ op: 'opened', n: sockets.length });
    } else if (m.op === 'report') {
      // [seq, receipt ms] of every message that carries a seq and is a VM state change.
      const perClient = sockets.map((s) => s.got.flatMap((r) => {
        const msg = JSON.parse(r.data) as { type: string; seq?: number };
        return msg.type === 'vm.state' && typeof msg.seq === 'number' ? [[msg.seq, r.t]] : [];
      }));
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => { s.ws.once('close', () => resolve()); s.ws.close(); })));
      sockets = [];
      process.send!({ op: 'report', perClient });
    } else {
      process.exit(0);
    }
  })().catch((err: unknown) => { console.error(err); process.exit(1); });
});
