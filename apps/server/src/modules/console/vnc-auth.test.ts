// Vectors from OpenSSL's own DES (`openssl enc -des-ecb -provider legacy`), computed outside
// this code: the FIPS 81 classic, edge keys, and the VNC bit-reversed key.
import { describe, expect, it } from 'vitest';
import { desEncryptBlock } from './des.ts';
import { vncAuthResponse } from './vnc-auth.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const VECTORS: Array<[key: string, plain: string, cipher: string]> = [
  ['133457799BBCDFF1', '0123456789ABCDEF', '85e813540f0ab405'],
  ['0000000000000000', '0000000000000000', '8ca64de9c1b123a7'],
  ['FFFFFFFFFFFFFFFF', '0123456789ABCDEF', '6dce0dc9006556a3'],
  ['0123456789ABCDEF', 'FEDCBA9876543210', '12c626af058b433b'],
  ['8040C020A060E010', '0123456789ABCDEF', '8bd643b47acc1c02'],
];

describe('DES', () => {
  it.each(VECTORS)('key %s, block %s → %s', (key, plain, cipher) => {
    expect(Buffer.from(desEncryptBlock(hex(key), hex(plain))).toString('hex')).toBe(cipher);
  });
  it('refuses keys and blocks that are not 8 bytes', () => {
    expect(() => desEncryptBlock(new Uint8Array(7), new Uint8Array(8))).toThrow(RangeError);
  });
});

describe('VNC authentication response', () => {
  it('encrypts the challenge with the bit-reversed password', () => {
    expect(Buffer.from(vncAuthResponse('Pa55word', Uint8Array.from({ length: 16 }, (_, i) => i))).toString('hex'))
      .toBe('a80216e0bdde8e405227818d0eb42480');
  });
  it('zero-pads a short password', () => {
    expect(Buffer.from(vncAuthResponse('ab', new Uint8Array(16).fill(0xff))).toString('hex'))
      .toBe('431849e250c6193e431849e250c6193e');
  });
});
