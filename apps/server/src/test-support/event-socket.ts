// A /api/v1/events client for tests: records every message, waits for the ones a test expects.
//
//   const base = await listen(app);                                  // 'ws://127.0.0.1:<port>'
//   const s = await EventSocket.open(base, { headers: admin });
//   const ev = await s.waitFor((m) => m.type === 'vm.state');
//   const refused = await upgradeRefusal(base, {});                   // { status: 401, body }
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { ServerMessage } from '@ferry/contract';

export type Msg = ServerMessage & Record<string, unknown>;

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening on a port');
  return `ws://127.0.0.1:${addr.port}`;
}

export interface OpenOptions {
  headers?: Record<string, string>;
  since?: number;
  /** ws answers pings by default; false plays a dead peer. */
  autoPong?: boolean;
}

const url = (base: string, since?: number) => `${base}/api/v1/events${since === undefined ? '' : `?since=${since}`}`;

export class EventSocket {
  readonly messages: Msg[] = [];
  /** Local receipt time (performance.now()) of each message, same index. */
  readonly receivedAt: number[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Messages that came as binary frames (a browser would get a Blob): always 0. */
  binaryFrames = 0;
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames++;
      this.messages.push(JSON.parse(String(data)) as Msg);
      this.receivedAt.push(performance.now());
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  static open(base: string, opts: OpenOptions = {}): Promise<EventSocket> {
    const ws = new WebSocket(url(base, opts.since), { headers: opts.headers ?? {}, autoPong: opts.autoPong ?? true });
    const socket = new EventSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Events (messages with a seq), in arrival order. */
  get events(): Msg[] {
    return this.messages.filter((m) => typeof m.seq === 'number' && m.type !== 'hello' && m.type !== 'resync');
  }

  /** The first message matching `pred` (already received or still to come). */
  async waitFor(pred: (m: Msg) => boolean, ms = 5000): Promise<Msg> {
    await this.until(() => this.messages.some(pred), ms, 'a matching message');
    return this.messages.find(pred)!;
  }

  async waitClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== null, ms, 'the socket to close');
    return this.closed!;
  }

  async until(pred: () => boolean, ms: number, what = 'a condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.add(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.waitClosed().then(() => undefined);
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }
}

/** The HTTP answer to an upgrade the server refuses (throws if it accepts). */
export function upgradeRefusal(base: string, headers: Record<string, string>, since?: string): Promise<{ status: number; body: { error: { code: string; requestId: string } } }> {
  const ws = new WebSocket(`${base}/api/v1/events${since === undefined ? '' : `?since=${since}`}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => { ws.terminate(); reject(new Error('the upgrade was accepted')); });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += String(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    ws.once('error', reject);
  });
}
