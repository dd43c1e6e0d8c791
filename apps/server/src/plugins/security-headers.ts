// Security headers on every response, set in onSend so error replies (404s, parser errors,
// 5xx) carry them too. The CSP allows no inline script: the web UI and the API docs load
// their scripts from files Ferry serves itself. HSTS is sent only under TLS (a browser ignores
// it over plain HTTP, and on a self-signed certificate it ignores it until the certificate
// is trusted, RFC 6797 §8.1). API JSON is never cached: it holds per-user state.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { API_PREFIX } from '@ferry/contract';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'",
].join('; ');

export interface SecurityHeadersOptions {
  /** The server answers over TLS: add Strict-Transport-Security. */
  tls: boolean;
}

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

/** For replies built outside the hook chain (framework errors): the same headers. */
export function applySecurityHeaders(reply: FastifyReply, opts: SecurityHeadersOptions, url: string): void {
  reply.headers(securityHeaders(opts));
  if (isApiUrl(url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

function isApiUrl(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

export default fp(async function securityHeadersPlugin(app: FastifyInstance, opts: SecurityHeadersOptions) {
  const headers = securityHeaders(opts);
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.headers(headers);
    // Any API answer (JSON, or an error for a path under the API) is per-user state.
    if (isApiUrl(req.url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}, { name: 'security-headers' });
