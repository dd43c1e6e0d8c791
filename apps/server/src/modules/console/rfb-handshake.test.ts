import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader.ts';
import { acceptDownstream, authenticateUpstream, RfbError } from './rfb-handshake.ts';
import { vncAuthResponse } from './vnc-auth.ts';

/** Two ends of an in-memory byte pipe, delivered in 1-byte chunks to exercise the reader. */
function pipe() {
  const a = new ByteReader();
  const b = new ByteReader();
  const trickle = (to: ByteReader) => (buf: Buffer) => { for (const byte of buf) to.push(Buffer.of(byte)); };
  return { a, b, toA: trickle(a), toB: trickle(b) };
}

/** A VNC server offering `types`, checking the password when type 2 is chosen. */
async function server(r: ByteReader, send: (b: Buffer) => void, types: number[], password: string): Promise<string> {
  send(Buffer.from('RFB 003.008\n'));
  expect((await r.read(12)).toString()).toBe('RFB 003.008\n');
  send(Buffer.of(types.length, ...types));
  const chosen = (await r.read(1))[0];
  if (chosen === 2) {
    const challenge = Buffer.from('0123456789abcdef');
    send(challenge);
    const ok = Buffer.compare(await r.read(16), Buffer.from(vncAuthResponse(password, challenge))) === 0;
    const result = Buffer.alloc(4);
    result.writeUInt32BE(ok ? 0 : 1);
    send(ok ? result : Buffer.concat([result, Buffer.from([0, 0, 0, 4]), Buffer.from('nope')]));
    return ok ? 'vnc' : 'refused';
  }
  send(Buffer.alloc(4));
  return 'none';
}

describe('RFB handshake', () => {
  it('answers VNC authentication with the password', async () => {
    const p = pipe();
    const [result] = await Promise.all([server(p.a, p.toB, [2], 's3cret!'), authenticateUpstream(p.b, p.toA, 's3cret!')]);
    expect(result).toBe('vnc');
  });

  it('reports a refused password', async () => {
    const p = pipe();
    const [, err] = await Promise.all([server(p.a, p.toB, [2], 'right'), authenticateUpstream(p.b, p.toA, 'wrong').catch((e: unknown) => e)]);
    expect(err).toBeInstanceOf(RfbError);
    expect(String(err)).toContain('nope');
  });

  it('takes None when there is no password to give', async () => {
    const p = pipe();
    const [result] = await Promise.all([server(p.a, p.toB, [1, 2], 'x'), authenticateUpstream(p.b, p.toA, null)]);
    expect(result).toBe('none');
  });

  it('offers a 3.8 viewer None only, and reports success', async () => {
    const p = pipe();
    const viewer = (async () => {
      expect((await p.a.read(12)).toString()).toBe('RFB 003.008\n');
      p.toB(Buffer.from('RFB 003.008\n'));
      expect([...(await p.a.read(2))]).toEqual([1, 1]);
      p.toB(Buffer.of(1));
      expect((await p.a.read(4)).readUInt32BE(0)).toBe(0);
    })();
    await Promise.all([viewer, acceptDownstream(p.b, p.toA)]);
  });

  it('tells a 3.3 viewer the type (None) instead of offering a list', async () => {
    const p = pipe();
    p.toB(Buffer.from('RFB 003.003\n'));
    await acceptDownstream(p.b, p.toA);
    expect([...p.a.rest()]).toEqual([...Buffer.from('RFB 003.008\n'), 0, 0, 0, 1]);
  });

  it('refuses a viewer that picks a type it was not offered', async () => {
    const p = pipe();
    p.toB(Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.of(2)]));
    await expect(acceptDownstream(p.b, p.toA)).rejects.toThrow(RfbError);
  });
});
