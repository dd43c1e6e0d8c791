// The typed API client: one function, `api(name, args)`, driven by the contract's route table.
// The route entry gives the method, the path template and the schemas, so a call's params,
// query, body and answer are typed from the same zod schemas the server validates with.
// Answers are not re-validated here (the server serializes through those schemas already).
//
// Cookie sessions: the browser sends `ferry_session` itself; every mutation adds the CSRF
// token login handed out (session-store.ts). A 401, or a 403 CSRF_FAILED, from a non-public
// route means the session is gone: the listener set by the auth feature sends the user to login.
import { API_PREFIX, CSRF_HEADER, ERROR_CODES, routes, type RouteName } from '@ferry/contract';
import type { z } from 'zod';
import { ApiError, isSessionLost } from './api-error.ts';
import { sessionStore } from './session-store.ts';

type Routes = typeof routes;
type SchemaIn<T> = T extends z.ZodType ? z.input<T> : never;
type SchemaOut<T> = T extends z.ZodType ? z.output<T> : never;

export type ParamsOf<N extends RouteName> = Routes[N] extends { params: infer P } ? SchemaIn<P> : never;
export type QueryOf<N extends RouteName> = Routes[N] extends { query: infer Q } ? SchemaIn<Q> : never;
export type BodyOf<N extends RouteName> = Routes[N] extends { body: infer B } ? SchemaIn<B> : never;
/** The answer of a route: the union of its success responses. */
export type ResultOf<N extends RouteName> = {
  [S in keyof Routes[N]['responses']]: SchemaOut<Routes[N]['responses'][S]>;
}[keyof Routes[N]['responses']];

type ParamsArg<N extends RouteName> = [ParamsOf<N>] extends [never] ? { params?: never } : { params: ParamsOf<N> };
type QueryArg<N extends RouteName> = [QueryOf<N>] extends [never] ? { query?: never } : { query?: Partial<QueryOf<N>> };
type BodyArg<N extends RouteName> = [BodyOf<N>] extends [never] ? { body?: never }
  : Record<string, never> extends BodyOf<N> ? { body?: BodyOf<N> } : { body: BodyOf<N> };
export type CallArgs<N extends RouteName> = ParamsArg<N> & QueryArg<N> & BodyArg<N>;

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KNOWN_CODES = new Set<string>(ERROR_CODES);

type SessionLostListener = (err: ApiError) => void;
let onSessionLost: SessionLostListener = () => {};
/** The auth feature's hook: called when a non-public call finds the session gone. */
export function setSessionLostListener(listener: SessionLostListener): void {
  onSessionLost = listener;
}

/** For calls made outside `api()` (uploads): a lost session goes the same way as any other. */
export function reportSessionLost(err: ApiError): void {
  if (isSessionLost(err)) onSessionLost(err);
}

/** `/vms/:vmId` + `{ vmId }` → `/api/v1/vms/<encoded id>?<query>`. */
export function buildUrl(path: string, params: Record<string, unknown> | undefined, query: Record<string, unknown> | undefined): string {
  const filled = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === '') throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(v));
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return `${API_PREFIX}${filled}${qs ? `?${qs}` : ''}`;
}

/** The error a failed answer carries (also for callers that do not go through `api`, e.g. uploads). */
export async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && KNOWN_CODES.has(e.code) && typeof e.message === 'string') {
      return new ApiError(e.code as ApiError['code'], e.message, res.status, typeof e.requestId === 'string' ? e.requestId : null, e.details);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError('BAD_RESPONSE', `the server answered ${res.status} ${res.statusText}`.trim(), res.status, res.headers.get('x-request-id'));
}

export async function api<N extends RouteName>(name: N, args: CallArgs<N>, init: { signal?: AbortSignal } = {}): Promise<ResultOf<N>> {
  const route = routes[name];
  const a = args as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if ('body' in route) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(a.body ?? {});
  }
  if (MUTATIONS.has(route.method)) {
    const csrf = sessionStore.csrfToken();
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(route.path, a.params, a.query), {
      method: route.method, headers, body, credentials: 'same-origin', signal: init.signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError('NETWORK_ERROR', 'Ferry could not be reached', 0);
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (route.permission.kind !== 'public' && isSessionLost(err)) onSessionLost(err);
    throw err;
  }
  if (res.status === 204) return null as ResultOf<N>;
  try {
    return (await res.json()) as ResultOf<N>;
  } catch {
    throw new ApiError('BAD_RESPONSE', 'the server sent an answer that is not JSON', res.status, res.headers.get('x-request-id'));
  }
}
