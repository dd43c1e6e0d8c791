// Security headers on every response, set in onSend so error replies (404s, parser errors,
// 5xx) carry them too. Two sets:
// - documents (the web UI, the API docs, their assets): a CSP that allows no inline script —
//   the UI and the docs load every script from a file Ferry serves — and no framing, and a
//   Cross-Origin-Opener-Policy;
// - API answers (anything under /api/v1: JSON, errors included): nothing in them is ever run or
//   rendered, so their CSP is `default-src 'none'` (stricter, and a third of the bytes), and
//   they carry no COOP, which only means something for a document. Node checks every header
//   byte of every response (~14 µs of GET /api/v1/hosts's ~90 went to header handling,
//   scripts/bench/server-requests/profile.ts), so the API set carries what protects JSON and
//   nothing that cannot.
// HSTS is sent only under TLS (a browser ignores it over plain HTTP, and on a self-signed
// certificate it ignores it until the certificate is trusted, RFC 6797 §8.1). API JSON is never
// cached: it holds per-user state.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { API_PREFIX } from '@ferry/contract';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'",
].join('; ');

/** For API answers: JSON is data, never a document — nothing may load, run or frame it. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export interface SecurityHeadersOptions {
  /** The server answers over TLS: add Strict-Transport-Security. */
  tls: boolean;
}

/** The headers of a document (the UI, the docs, static files). */
export function securityHeaders(opts: SecurityHeadersOptions): Record<string, string> {
  return { ...commonHeaders(opts), 'content-security-policy': CONTENT_SECURITY_POLICY, 'cross-origin-opener-policy': 'same-origin' };
}

/** The headers of an answer under /api/v1 (no-store is added where the route set no cache policy). */
export function apiSecurityHeaders(opts: SecurityHeadersOptions): Record<string, string> {
  return { ...commonHeaders(opts), 'content-security-policy': API_CONTENT_SECURITY_POLICY };
}

/** What documents and API answers share. */
function commonHeaders({ tls }: SecurityHeadersOptions): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** Both sets, built once per server. */
interface HeaderSets { document: Record<string, string>; api: Record<string, string> }
const headerSets = (opts: SecurityHeadersOptions): HeaderSets => ({ document: securityHeaders(opts), api: apiSecurityHeaders(opts) });

/** Sets the headers `url`'s answer carries. Any API answer (JSON, or an error for a path under the API) is per-user state: no-store. */
function apply(reply: FastifyReply, url: string, sets: HeaderSets): void {
  if (!isApiUrl(url)) {
    reply.headers(sets.document);
    return;
  }
  reply.headers(sets.api);
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

/** For replies built outside the hook chain (framework errors): the same headers. */
export function applySecurityHeaders(reply: FastifyReply, opts: SecurityHeadersOptions, url: string): void {
  apply(reply, url, headerSets(opts));
}

function isApiUrl(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

export default fp(async function securityHeadersPlugin(app: FastifyInstance, opts: SecurityHeadersOptions) {
  const sets = headerSets(opts);
  app.addHook('onSend', (req, reply, payload, done) => {
    apply(reply, req.url, sets);
    done(null, payload);
  });
}, { name: 'security-headers' });
