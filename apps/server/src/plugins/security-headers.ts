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
export function securityHeaders({ tls }: SecurityHeadersOptions): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** The headers of an answer under /api/v1 (no-store is added where the route set no cache policy). */
export function apiSecurityHeaders({ tls }: SecurityHeadersOptions): Record<string, string> {
  return {
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    ...(tls ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** For replies built outside the hook chain (framework errors): the same headers. */
export function applySecurityHeaders(reply: FastifyReply, opts: SecurityHeadersOptions, url: string): void {
  const api = isApiUrl(url);
  reply.headers(api ? apiSecurityHeaders(opts) : securityHeaders(opts));
  if (api && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

function isApiUrl(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

export default fp(async function securityHeadersPlugin(app: FastifyInstance, opts: SecurityHeadersOptions) {
  const documents = securityHeaders(opts);
  const api = apiSecurityHeaders(opts);
  app.addHook('onSend', (req, reply, payload, done) => {
    if (isApiUrl(req.url)) {
      reply.headers(api);
      // Any API answer (JSON, or an error for a path under the API) is per-user state.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    } else {
      reply.headers(documents);
    }
    done(null, payload);
  });
}, { name: 'security-headers' });
