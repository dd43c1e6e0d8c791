// A minimal RFB viewer for the console benchmark: the handshake over a WebSocket (security None
// through Ferry, VNC authentication through websockify, which relays the server's own
// handshake), then round trips and bulk transfer through the echoing endpoint behind it.
import WebSocket from 'ws';
import { ByteReader } from '../../../apps/server/src/modules/console/byte-reader.ts';
import { vncAuthResponse } from '../../../apps/server/src/modules/console/vnc-auth.ts';

export class RfbProbe {
  readonly r = new ByteReader();
  width = 0;
  height = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => this.r.push(d));
    ws.once('close', () => this.r.fail(new Error('socket closed')));
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<RfbProbe> {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const probe = new RfbProbe(ws); // reading from the start: the server speaks first
    await new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`))); });
    return probe;
  }

  /** RFB 3.8; answers VNC authentication with `password` when the server asks for it. */
  async handshake(password: string | null): Promise<void> {
    const { r } = this;
    await r.read(12);
    this.ws.send(Buffer.from('RFB 003.008\n'));
    const types = [...(await r.read((await r.read(1))[0]!))];
    if (types.includes(1)) this.ws.send(Buffer.of(1));
    else {
      this.ws.send(Buffer.of(2));
      this.ws.send(Buffer.from(vncAuthResponse(password ?? '', await r.read(16))));
    }
    if ((await r.read(4)).readUInt32BE(0) !== 0) throw new Error('VNC authentication failed');
    this.ws.send(Buffer.of(1)); // shared: Ferry's and websockify's viewers coexist
    const init = await r.read(24);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    await r.read(init.readUInt32BE(20));
  }

  /** One round trip through the echoing endpoint; milliseconds. */
  async roundTrip(bytes: Buffer): Promise<number> {
    const t0 = process.hrtime.bigint();
    this.ws.send(bytes);
    await this.r.read(bytes.length);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }

  /** Keeps `window` bytes in flight in `chunk`-sized messages for `seconds`; MB/s echoed back. */
  async pump(seconds: number, chunk: number, window: number): Promise<number> {
    const block = Buffer.alloc(chunk, 0x5a);
    let sent = 0;
    let received = 0;
    const t0 = process.hrtime.bigint();
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      while (sent - received < window) { this.ws.send(block); sent += chunk; }
      received += (await this.r.read(chunk)).length;
    }
    while (received < sent) received += (await this.r.read(Math.min(chunk, sent - received))).length;
    return received / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9);
  }

  close(): void {
    this.ws.close();
  }
}
