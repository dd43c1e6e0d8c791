// Structured JSON logs (pino). Secrets never reach a log line: credentials in headers and
// bodies are redacted by path, and the request URL is logged with its query values masked
// where they are secrets (console tickets travel in the query string).
//
// One access line per request, written when the response is done:
//   { reqId, method, url (masked), status, ip, responseTime (ms) } "request"
// AccessLogController replaces Fastify's own "incoming request" / "request completed" pair
// with it, and Fastify's "Route GET:/x?ticket=… not found" line, which would print the raw URL.
import type { DestinationStream } from 'pino';
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';

export const REDACTED = '[redacted]';

/** Query keys whose values are masked in logged URLs (case-insensitive, substring). */
const SECRET_QUERY_KEY = /pass|secret|token|ticket|csrf|session|cookie|auth|key/i;

// Keys that hold credentials, wherever they sit at the top level or one level down
// (pino's redaction matches exact paths; `*.x` is one level). Headers get explicit paths.
const SECRET_KEYS = ['password', 'newPassword', 'currentPassword', 'oldPassword', 'adminPassword', 'secret', 'token', 'ticket', 'csrfToken', 'cookie', 'authorization'];
const REDACT_PATHS = [
  ...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`),
  '*["x-csrf-token"]', '*["set-cookie"]',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]', 'req.body.password', 'req.body.newPassword', 'req.body.secret',
];

/**
 * The URL with every secret-looking query value replaced by [redacted]. Pairs keep their
 * order and raw spelling (the log shows what was sent, bar the secrets); a key is judged by
 * its decoded name, so `tick%65t=` is caught too.
 */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    return SECRET_QUERY_KEY.test(decodeLoosely(rawKey)) ? `${rawKey}=${REDACTED}` : pair;
  });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

function decodeLoosely(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export interface LoggerSetup {
  level: string;
  /** Where lines go; stdout when absent. Tests pass a stream that collects them. */
  destination?: DestinationStream;
}

export function loggerOptions({ level, destination }: LoggerSetup): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: maskUrl(req.url), ip: req.ip, reqId: req.id }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
    ...(destination ? { stream: destination } : {}),
  };
}

/** Fastify's request logging, reduced to one masked access line per request. */
export class AccessLogController extends LogController {
  override incomingRequest(): void {
    // Logged once, at completion, with the status and time.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = accessLine(request, reply.statusCode, reply.elapsedTime);
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, url: maskUrl(request.url) }, 'route not found');
  }
}

export function accessLine(req: { method: string; url: string; ip?: string }, status: number, responseTimeMs?: number) {
  return {
    method: req.method,
    url: maskUrl(req.url),
    status,
    ip: req.ip,
    ...(responseTimeMs === undefined ? {} : { responseTime: Math.round(responseTimeMs * 100) / 100 }),
  };
}
