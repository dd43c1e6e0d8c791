// Password hashing: scrypt from node:crypto with a per-user random salt. The stored string
// carries its parameters (`$scrypt$ln=15,r=8,p=1$<salt>$<key>`, base64), so the cost can be
// raised later without invalidating existing hashes: new hashes use the new cost, old ones
// still verify with theirs.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams { ln: number; r: number; p: number }

/** ~100 ms and 32 MiB per hash on a small server: slow for guessing, fine for a login. */
export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, { ln, r, p }: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15,r=8, so leave room.
  const options: ScryptOptions = { N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r + (1 << 20) };
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** False for a wrong password and for a hash it cannot read (never throws on bad input). */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) return false;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a damaged row from turning a login into a memory or CPU bomb.
  if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64'), params);
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | null = null;

/** Computes the dummy hash ahead of the first unknown-user login (which would otherwise take twice as long). */
export function primeDummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

/**
 * Spends the same time as verifying a real user's password, for logins naming an unknown
 * user, so the answer's timing does not tell whether the account exists. Always false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, await primeDummyHash());
  return false;
}
