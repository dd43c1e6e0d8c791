// VNC authentication (RFB security type 2): the server sends 16 random bytes; the client
// answers with them DES-encrypted under the password. RFB's quirk: each key byte is used with
// its bits reversed (the original VNC code loaded the key LSB first), and the password is cut or
// zero-padded to 8 bytes. https://datatracker.ietf.org/doc/html/rfc6143#section-7.2.2 (and errata).
import { desEncryptBlock } from './des.ts';

const reverseBits = (b: number): number => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
};

export function vncAuthResponse(password: string, challenge: Uint8Array): Uint8Array {
  if (challenge.length !== 16) throw new RangeError('a VNC challenge has 16 bytes');
  const raw = Buffer.from(password, 'latin1');
  const key = Uint8Array.from({ length: 8 }, (_, i) => reverseBits(raw[i] ?? 0));
  const out = new Uint8Array(16);
  out.set(desEncryptBlock(key, challenge.subarray(0, 8)), 0);
  out.set(desEncryptBlock(key, challenge.subarray(8, 16)), 8);
  return out;
}
