// The audit page's filters live in the URL (/audit?username=…&result=error&page=2), so a
// filtered view can be linked to and survives a reload. This turns the query string into the
// API's query and back; times are entered as local date-times and sent as ISO timestamps.
import { AuditResultSchema } from '@ferry/contract';
import type { AuditQuery } from '../api/get-audit.ts';

export const PAGE_SIZE = 50;
export const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export interface AuditFilters {
  username: string;
  method: string;
  route: string;
  target: string;
  result: string;
  /** `YYYY-MM-DDTHH:mm`, local time (a datetime-local input's value). */
  from: string;
  to: string;
  page: number;
}

const FIELDS = ['username', 'method', 'route', 'target', 'result', 'from', 'to'] as const;

export function filtersFromSearch(search: string): AuditFilters {
  const p = new URLSearchParams(search);
  const page = Math.max(1, Math.floor(Number(p.get('page') ?? '1')) || 1);
  const f = { page } as AuditFilters;
  for (const k of FIELDS) f[k] = p.get(k) ?? '';
  return f;
}

export function searchFromFilters(f: AuditFilters): string {
  const p = new URLSearchParams();
  for (const k of FIELDS) if (f[k].trim()) p.set(k, f[k].trim());
  if (f.page > 1) p.set('page', String(f.page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const localToIso = (v: string): string | undefined => {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

export function queryFromFilters(f: AuditFilters): AuditQuery {
  const q: AuditQuery = { limit: PAGE_SIZE, offset: (f.page - 1) * PAGE_SIZE };
  if (f.username.trim()) q.username = f.username.trim();
  if ((METHODS as readonly string[]).includes(f.method)) q.method = f.method as (typeof METHODS)[number];
  if (f.route.trim()) q.route = f.route.trim();
  if (f.target.trim()) q.target = f.target.trim();
  const result = AuditResultSchema.safeParse(f.result);
  if (result.success) q.result = result.data;
  const from = localToIso(f.from);
  const to = localToIso(f.to);
  if (from) q.from = from;
  if (to) q.to = to;
  return q;
}

export const EMPTY_FILTERS: AuditFilters = { username: '', method: '', route: '', target: '', result: '', from: '', to: '', page: 1 };
