// A fake server for component tests: `fetch` answers by "METHOD /path" (query string ignored),
// and every call is recorded with its headers and parsed body.
import { vi } from 'vitest';

export interface RecordedCall {
  method: string;
  path: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status?: number; body?: unknown } | ((call: RecordedCall) => { status?: number; body?: unknown });

export function mockFetch(routes: Record<string, Answer>) {
  const calls: RecordedCall[] = [];
  const fn = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const path = url.split('?')[0]!;
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const call: RecordedCall = { method, path, url, headers, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
    calls.push(call);
    const route = routes[`${method} ${path}`];
    if (!route) return json(404, { error: { code: 'NOT_FOUND', message: `no route ${method} ${path}`, requestId: 'test' } });
    const a = typeof route === 'function' ? route(call) : route;
    return a.status === 204 ? new Response(null, { status: 204 }) : json(a.status ?? 200, a.body ?? {});
  });
  vi.stubGlobal('fetch', fn);
  return { calls, fn, called: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path) };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export const apiError = (status: number, code: string, message: string) => ({ status, body: { error: { code, message, requestId: 'req-12345678' } } });
