// One access line per request, written when the response is done:
//   { level, time, pid, hostname, reqId, method, url (masked), status, ip, responseTime (ms), msg: "request" }
// AccessLogController replaces Fastify's own "incoming request" / "request completed" pair
// with it, and Fastify's "Route GET:/x?ticket=… not found" line, which would print the raw URL.
//
// The line of a successful request is the one line every request writes, so it is built here
// as a string, in the layout pino gives every line (its level, time and the request logger's
// bindings come from the logger itself, through pino.symbols), and handed to the logger's
// destination: pino's generic path — walking the object, escaping each key, the redaction scan
// — cost several times more. Only fixed keys and JSON-escaped values go in (the URL already
// masked by maskUrl), so the line cannot carry a credential-named key: the scan has nothing to
// find. Errors, and loggers that are not pino (tests), take the ordinary logger call.
import pino from 'pino';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { maskUrl } from './logger.ts';
import { RequestLogger } from './request-logger.ts';

const { chindingsSym, endSym, lsCacheSym, streamSym, timeSym } = pino.symbols;
const needsMetadata = Symbol.for('pino.metadata');
const INFO = 30;

export interface AccessLine {
  method: string;
  url: string;
  status: number;
  ip: string | undefined;
  responseTime?: number;
}

export function accessLine(req: { method: string; url: string; ip?: string }, status: number, responseTimeMs?: number): AccessLine {
  return {
    method: req.method,
    url: maskUrl(req.url),
    status,
    ip: req.ip,
    ...(responseTimeMs === undefined ? {} : { responseTime: Math.round(responseTimeMs * 100) / 100 }),
  };
}

type Stream = { write(line: string): unknown; [needsMetadata]?: boolean };

/** Writes an info-level "request" line for `line` through `log`. */
export function writeAccessLine(log: FastifyBaseLogger, line: AccessLine): void {
  // A request logger not made yet (request-logger.ts): its parent's layout plus its bindings,
  // exactly what the child would write, without making it.
  const original = log;
  let bound = '';
  if (log instanceof RequestLogger) {
    if (log.made || log.level !== log.parent.level) log = log.logger;
    else {
      for (const [k, v] of Object.entries(log.bindings)) if (v !== undefined) bound += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
      log = log.parent;
    }
  }
  const p = log as unknown as Record<symbol, unknown> & { isLevelEnabled?: (level: string) => boolean };
  const stream = p[streamSym] as Stream | undefined;
  const time = p[timeSym] as (() => string) | undefined;
  const head = (p[lsCacheSym] as Record<number, string> | undefined)?.[INFO];
  // Anything but a plain pino logger on a plain destination (multistream wants metadata).
  if (!stream || !time || head === undefined || !p.isLevelEnabled || stream[needsMetadata]) return original.info(line, 'request');
  if (!p.isLevelEnabled('info')) return;
  stream.write(`${head}${time()}${(p[chindingsSym] as string | undefined) ?? ''}${bound},"method":${JSON.stringify(line.method)},"url":${JSON.stringify(line.url)}`
    + `,"status":${line.status}${line.ip === undefined ? '' : `,"ip":${JSON.stringify(line.ip)}`}`
    + `${line.responseTime === undefined ? '' : `,"responseTime":${line.responseTime}`},"msg":"request"${(p[endSym] as string | undefined) ?? '}\n'}`);
}

/** Fastify's request logging, reduced to one masked access line per request. */
export class AccessLogController extends LogController {
  override incomingRequest(): void {
    // Logged once, at completion, with the status and time.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = accessLine(request, reply.statusCode, reply.elapsedTime);
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else writeAccessLine(request.log, line);
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, url: maskUrl(request.url) }, 'route not found');
  }
}
