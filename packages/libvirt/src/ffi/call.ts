// Checked calls: turn libvirt's -1/NULL returns into exceptions carrying the calling
// thread's own last error (libvirt keeps it in thread-local storage, which is why every
// libvirt call runs synchronously inside a Worker — see docs/libvirt-bindings.md).
import { fn, koffi, type Ptr } from './lib.ts';
import type { LibvirtErrorData } from '../errors.ts';

export class CallFailure extends Error {
  constructor(readonly data: LibvirtErrorData) {
    super(data.message);
  }
}

export function lastError(fnName: string): LibvirtErrorData {
  const p = fn.virGetLastError();
  if (!p) {
    return { fn: fnName, code: 1, domain: 0, message: `${fnName} failed without a libvirt error on this thread`, level: 2, str1: null, str2: null, str3: null, int1: -1, int2: -1 };
  }
  const e = koffi.decode(p, 'virError') as Omit<LibvirtErrorData, 'fn'> & { message: string | null };
  return { fn: fnName, code: e.code, domain: e.domain, message: e.message ?? `${fnName} failed`, level: e.level, str1: e.str1, str2: e.str2, str3: e.str3, int1: e.int1, int2: e.int2 };
}

export function fail(fnName: string): never {
  const data = lastError(fnName);
  fn.virResetLastError();
  throw new CallFailure(data);
}

export function checkInt(fnName: string, rc: number): number {
  if (rc < 0) fail(fnName);
  return rc;
}

export function checkPtr(fnName: string, p: Ptr | null): Ptr {
  if (p === null || p === 0n) fail(fnName);
  return p;
}

export function checkString(fnName: string, s: string | null): string {
  if (s === null) fail(fnName);
  return s;
}

/**
 * Calls a libvirt list function (`int f(parent, void ***out, flags)`), maps every element
 * with `map` and frees every element with `freeEach` and the array with free(), whatever
 * `map` throws.
 */
export function listAll<T>(fnName: string, call: (out: (Ptr | null)[]) => number, map: (p: Ptr) => T, freeEach: (p: Ptr) => unknown): T[] {
  const out: (Ptr | null)[] = [null];
  const n = checkInt(fnName, call(out));
  const arr = out[0];
  if (!arr) return [];
  const items = n > 0 ? (koffi.decode(arr, 'void *', n) as Ptr[]) : [];
  try {
    return items.map(map);
  } finally {
    for (const p of items) freeEach(p);
    fn.free(arr);
  }
}

/** Runs `use` on a handle and frees it afterwards: no handle ever outlives one operation. */
export function withHandle<T>(handle: Ptr, free: (p: Ptr) => unknown, use: (p: Ptr) => T): T {
  try {
    return use(handle);
  } finally {
    free(handle);
  }
}

const UUID_BUF_LEN = 37; // VIR_UUID_STRING_BUFLEN
export function uuidString(fnName: string, getter: (p: Ptr, buf: Buffer) => number, p: Ptr): string {
  const buf = Buffer.alloc(UUID_BUF_LEN);
  checkInt(fnName, getter(p, buf));
  return buf.toString('latin1', 0, 36);
}

/** 64-bit values come back as Number or, above 2^53, BigInt: normalise to Number (bytes, ns). */
export const num = (v: number | bigint): number => (typeof v === 'bigint' ? Number(v) : v);
