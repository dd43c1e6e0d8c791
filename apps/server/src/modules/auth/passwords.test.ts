import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';

const CHEAP = { ln: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse', CHEAP);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horsE', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('stores its parameters with a per-hash salt, never the password', async () => {
    const [a, b] = [await hashPassword('same password', CHEAP), await hashPassword('same password', CHEAP)];
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password');
  });

  it('uses scrypt with N=2^15 by default, and still verifies hashes made with other costs', async () => {
    const strong = await hashPassword('pw-default');
    expect(strong).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('pw-default', strong)).toBe(true);
  });

  it('refuses, without throwing, hashes it cannot read or whose cost is out of bounds', async () => {
    const good = await hashPassword('pw', CHEAP);
    expect(await verifyPassword('pw', 'not a hash')).toBe(false);
    expect(await verifyPassword('pw', good.replace('ln=10', 'ln=30'))).toBe(false);
    expect(await verifyPassword('pw', good.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
  });

  it('treats composed and decomposed Unicode alike', async () => {
    const h = await hashPassword('caf\u00e9-password', CHEAP);
    expect(await verifyPassword('cafe\u0301-password', h)).toBe(true);
  });

  it('has a dummy check for unknown users that always fails', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});
