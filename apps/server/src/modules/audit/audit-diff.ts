// The audit log's record of a configuration change: the changed leaves only, each with its old
// and new value, addressed by JSON Pointer. Secrets never reach it: keys that name one are
// dropped at any depth before comparing, so a password change leaves no trace of either value.
import type { AuditChange, AuditDiff } from '@ferry/contract';

const SECRET_KEYS = new Set(['token', 'ticket', 'csrftoken', 'csrf', 'cookie', 'authorization', 'apikey', 'privatekey']);
const MAX_DEPTH = 32;
const MAX_STRING = 1000;
export const MAX_CHANGES = 100;

/** password, newPassword, passwordHash, secret, secretHash, token, ticket, csrfToken, … */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEYS.has(k) || k.includes('password') || k.includes('secret') || k.includes('passphrase');
}

/** A plain-JSON copy without secrets, bounded in depth and string length. Undefined stays undefined. */
export function sanitize(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' && value.length <= MAX_STRING) return value;
  if (typeof value === 'string') return `${value.slice(0, MAX_STRING)}…`;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols: not data
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1) ?? null);
  if (value instanceof Map) return sanitize(Object.fromEntries(value), depth);
  if (value instanceof Set) return sanitize([...value], depth);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return sanitize(toJSON.call(value), depth + 1);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isSecretKey(k)) continue;
    const clean = sanitize(v, depth + 1);
    if (clean !== undefined) out[k] = clean;
  }
  return out;
}

/** The changes from `before` to `after` (each sanitized first); null when nothing changed. */
export function auditDiff(before: unknown, after: unknown, maxChanges = MAX_CHANGES): AuditDiff | null {
  const changes: AuditChange[] = [];
  compare(sanitize(before), sanitize(after), '', changes);
  if (changes.length === 0) return null;
  return changes.length > maxChanges ? { changes: changes.slice(0, maxChanges), omitted: changes.length - maxChanges } : { changes };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pointer = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

function compare(a: unknown, b: unknown, path: string, out: AuditChange[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) compare(a[key], b[key], pointer(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) compare(a[i], b[i], pointer(path, i), out);
    return;
  }
  if (sameJson(a, b)) return;
  out.push({ path, ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
