// Structured JSON logs (pino). Secrets never reach a log line: credentials in headers and
// bodies are redacted by path, and the request URL is logged with its query values masked
// where they are secrets (console tickets travel in the query string).
import type { FastifyServerOptions } from 'fastify';

export const REDACTED = '[redacted]';
const SECRET_QUERY_KEYS = new Set(['ticket', 'token', 'password', 'secret', 'csrf', 'csrftoken']);

const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password', '*.newPassword', '*.secret', '*.token', '*.ticket', '*.csrfToken', '*.cookie', '*.authorization',
];

export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_KEYS.has(key.toLowerCase())) params.set(key, REDACTED);
  return `${url.slice(0, q)}?${params.toString()}`;
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: maskUrl(req.url), ip: req.ip, reqId: req.id }),
    },
  };
}
