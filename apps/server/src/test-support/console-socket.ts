// Console sockets for tests: a stand-in VNC server (QEMU's side of RFB 3.8 with VNC
// authentication, then an echo), a viewer's side of the handshake, and upgrade helpers.
//
//   const vnc = await fakeVncServer('pw');                 // vnc.port for the domain's <graphics>
//   const ws = await openSocket(base, path, headers);      // or refusal(base, path, headers)
//   const init = await viewerHandshake(ws);                // ServerInit bytes
import net from 'node:net';
import WebSocket from 'ws';
import { vncAuthResponse } from '../modules/console/vnc-auth.ts';
import { ByteReader } from '../modules/console/byte-reader.ts';

export const SERVER_INIT = Buffer.concat([Buffer.from([0, 4, 0, 3]), Buffer.alloc(16, 1), Buffer.from([0, 0, 0, 4]), Buffer.from('fake')]);

export interface FakeVnc {
  port: number;
  /** Connections that authenticated with the right password. */
  authenticated: number;
  attempts: number;
  close(): Promise<void>;
  /** Ends every open connection (QEMU exiting). */
  dropAll(): void;
  /**
   * Writes to every connection past its handshake for `ms`, as fast as the socket takes it
   * (waiting for 'drain' like any well-behaved server); resolves with the bytes it could write.
   */
  flood(ms: number): Promise<number>;
  /** Stops reading from every connection past its handshake (a VM that takes no input). */
  stall(): void;
}

/** On 127.0.0.1 (an ephemeral port), or on the unix socket `socketPath`. */
export async function fakeVncServer(password: string, socketPath?: string): Promise<FakeVnc> {
  const sockets = new Set<net.Socket>();
  const relaying = new Set<net.Socket>();
  const state = { authenticated: 0, attempts: 0 };
  const server = net.createServer((socket) => {
    state.attempts++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => socket.destroy());
    const r = new ByteReader();
    socket.on('data', (b) => r.push(b));
    void (async () => {
      socket.write('RFB 003.008\n');
      await r.read(12);
      socket.write(Buffer.of(1, 2));
      await r.read(1);
      const challenge = Buffer.from('0123456789abcdef');
      socket.write(challenge);
      const ok = Buffer.compare(await r.read(16), Buffer.from(vncAuthResponse(password, challenge))) === 0;
      if (!ok) { socket.end(Buffer.concat([Buffer.of(0, 0, 0, 1, 0, 0, 0, 3), Buffer.from('bad')])); return; }
      state.authenticated++;
      socket.write(Buffer.alloc(4));
      await r.read(1); // ClientInit
      socket.write(SERVER_INIT);
      socket.removeAllListeners('data');
      const rest = r.rest();
      if (rest.length) socket.write(rest);
      relaying.add(socket);
      socket.pipe(socket); // echo: what the viewer sends comes back
    })().catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => (socketPath ? server.listen(socketPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  const port = socketPath ? 0 : (server.address() as net.AddressInfo).port;
  return {
    port,
    get authenticated() { return state.authenticated; },
    get attempts() { return state.attempts; },
    dropAll: () => { for (const s of sockets) s.destroy(); },
    stall: () => { for (const s of relaying) { s.unpipe(s); s.pause(); } },
    flood: async (ms) => {
      const block = Buffer.alloc(64 << 10, 0x42);
      const end = Date.now() + ms;
      let written = 0;
      await Promise.all([...relaying].filter((s) => !s.destroyed).map(async (s) => {
        while (Date.now() < end && !s.destroyed) {
          written += block.length;
          if (!s.write(block)) await Promise.race([new Promise((r) => s.once('drain', r)), new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())))]);
        }
      }));
      return written;
    },
    close: () => { for (const s of sockets) s.destroy(); return new Promise((resolve) => server.close(() => resolve())); },
  };
}

export type Refusal = { status: number; body: { error: { code: string; message: string } } };

/** Opens a WebSocket, or reports the HTTP refusal of its upgrade. */
export function connect(base: string, path: string, headers: Record<string, string> = {}, opts: WebSocket.ClientOptions = {}): Promise<WebSocket | Refusal> {
  const ws = new WebSocket(`${base}${path}`, { headers, ...opts });
  // Read from the start: the server speaks first, and its first frame may come with the 101.
  readerOf(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += String(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Refusal['body'] }));
    });
    ws.once('error', reject);
  });
}

const readers = new WeakMap<WebSocket, ByteReader>();

/** A socket's binary messages as one byte stream (the same reader every time). */
export function readerOf(ws: WebSocket): ByteReader {
  let r = readers.get(ws);
  if (r) return r;
  r = new ByteReader();
  readers.set(ws, r);
  ws.on('message', (data: Buffer) => r.push(data));
  ws.once('close', () => r.fail(new Error('closed')));
  return r;
}

/** A viewer's RFB 3.8 handshake with security None; resolves with the ServerInit bytes. */
export async function viewerHandshake(ws: WebSocket, r: ByteReader = readerOf(ws)): Promise<Buffer> {
  const send = (b: Buffer) => ws.send(b);
  if ((await r.read(12)).toString() !== 'RFB 003.008\n') throw new Error('not RFB 3.8');
  send(Buffer.from('RFB 003.008\n'));
  const types = await r.read(2);
  if (types[0] !== 1 || types[1] !== 1) throw new Error(`offered ${[...types].join(',')}, not None only`);
  send(Buffer.of(1));
  if ((await r.read(4)).readUInt32BE(0) !== 0) throw new Error('security failed');
  send(Buffer.of(1)); // ClientInit: shared
  const head = await r.read(24); // width, height, pixel format, name length
  return Buffer.concat([head, await r.read(head.readUInt32BE(20))]);
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}
