// The RFB handshake on both sides of the VNC proxy (RFC 6143 §7.1–7.2).
//
// Upstream, Ferry is the client of QEMU: it takes version 3.8 and answers VNC authentication
// (type 2) with the password it has just set (vnc-target.ts), or takes None when QEMU offers
// it. Downstream, Ferry is the server to the browser: it offers only None, since the ticket
// was the browser's authentication. After both, the browser's ClientInit and QEMU's ServerInit
// pass through the relay untouched — they are the same in every protocol version.
import { ByteReader } from './byte-reader.ts';
import { vncAuthResponse } from './vnc-auth.ts';

const VERSION_38 = 'RFB 003.008\n';
const VERSION = /^RFB 003\.(\d{3})\n$/;
const SEC_NONE = 1;
const SEC_VNC = 2;

export class RfbError extends Error {
  override readonly name = 'RfbError';
}

async function reason(r: ByteReader): Promise<string> {
  const len = (await r.read(4)).readUInt32BE(0);
  return (await r.read(Math.min(len, 1024))).toString('utf8');
}

/** Authenticates to a VNC server; resolves once it accepted (SecurityResult OK). */
export async function authenticateUpstream(r: ByteReader, send: (b: Buffer) => void, password: string | null): Promise<void> {
  const version = (await r.read(12)).toString('latin1');
  const minor = VERSION.exec(version)?.[1];
  if (minor === undefined || Number(minor) < 8) throw new RfbError(`the VNC server speaks ${JSON.stringify(version.trim())}, not RFB 3.8`);
  send(Buffer.from(VERSION_38, 'latin1'));
  const count = (await r.read(1))[0]!;
  if (count === 0) throw new RfbError(`the VNC server refused: ${await reason(r)}`);
  const types = [...(await r.read(count))];
  const type = password !== null && types.includes(SEC_VNC) ? SEC_VNC : types.includes(SEC_NONE) ? SEC_NONE : null;
  if (type === null) throw new RfbError(`the VNC server offers no security type Ferry can answer (${types.join(', ')})`);
  send(Buffer.of(type));
  if (type === SEC_VNC) send(Buffer.from(vncAuthResponse(password!, await r.read(16))));
  if ((await r.read(4)).readUInt32BE(0) !== 0) throw new RfbError(`the VNC server refused authentication: ${await reason(r)}`);
}

/** Plays the server's handshake to a browser, offering security type None only. */
export async function acceptDownstream(r: ByteReader, send: (b: Buffer) => void): Promise<void> {
  send(Buffer.from(VERSION_38, 'latin1'));
  const minor = Number(VERSION.exec((await r.read(12)).toString('latin1'))?.[1] ?? NaN);
  // 3.3 lets the server pick (a u32); 3.7 and 3.8 choose from a list. Viewers announce 3.889 and
  // the like (Apple), which the RFC says to treat as 3.3.
  if (minor === 7 || minor === 8) {
    send(Buffer.of(1, SEC_NONE));
    if ((await r.read(1))[0] !== SEC_NONE) throw new RfbError('the viewer chose a security type that was not offered');
    if (minor === 8) send(Buffer.alloc(4)); // SecurityResult OK: 3.7 sends none for None
  } else if (Number.isFinite(minor)) {
    const u32 = Buffer.alloc(4);
    u32.writeUInt32BE(SEC_NONE);
    send(u32);
  } else {
    throw new RfbError('the viewer did not send an RFB version');
  }
}
