// One error handler for the whole app: AppError → its status; validation and parser errors
// → 4xx with a stable code; anything else → 500 without internals (logged with the request id).
// Every error body carries the request id, as does every response's X-Request-Id header.
// Two kinds of refusal happen before Fastify has a route, and so skip every hook: a URL that
// cannot be decoded and a path parameter over maxParamLength. `frameworkErrorHandler` (a
// server option, wired in app.ts) answers those in the same shape, with the same headers.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@ferry/contract';
import { AppError } from '../lib/app-error.ts';
import { accessLine } from '../lib/access-log.ts';
import { applySecurityHeaders, type SecurityHeadersOptions } from './security-headers.ts';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED',
};

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

export default fp(async function errors(app: FastifyInstance) {
  // Callback-style hooks (here and in the other plugins): an async hook costs every request a
  // promise and a microtask turn, for work that is synchronous.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });

  app.setNotFoundHandler(async (req, reply) => {
    return reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${shownPath(req.url)}`, req.id));
  });

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    // Something threw a non-Error (a string, null): nothing in it is fit to show.
    if (!(err instanceof Error)) {
      req.log.error({ err }, 'unhandled non-error thrown');
      return reply.code(500).send(errorBody('INTERNAL', 'internal error', req.id));
    }
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.warn({ err: { code: err.code, message: err.message } }, 'request failed');
      if (err.headers) reply.headers(err.headers);
      return reply.code(err.status).send(errorBody(err.code, err.message, req.id, err.details));
    }
    if (err.validation) {
      const details = err.validation.map((v) => ({ path: v.instancePath || (v.params as { issue?: { path?: unknown } })?.issue?.path || '', message: v.message }));
      return reply.code(400).send(errorBody('BAD_REQUEST', `invalid ${err.validationContext ?? 'request'}`, req.id, details));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = BY_STATUS[status] ?? 'BAD_REQUEST';
      // Parser and limit errors from Fastify: their messages are generic and safe.
      return reply.code(ERROR_STATUS[code]).send(errorBody(code, err.message, req.id));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error', req.id));
  });
}, { name: 'errors' });

/** The path part of a URL, cut short: an error message echoes it, and need not echo 16 KiB. */
function shownPath(url: string): string {
  const p = url.split('?')[0] ?? '';
  return p.length > 120 ? `${p.slice(0, 120)}…` : p;
}

/**
 * Fastify's `frameworkErrors` option: a URL that is not valid percent-encoding
 * (FST_ERR_BAD_URL) or a path parameter longer than maxParamLength (FST_ERR_MAX_PARAM_LENGTH,
 * which Fastify would answer with 414 — not a status of ours). Both are the client's
 * malformed request: 400. The reply has no hooks here, so the request id and the security
 * headers are set by hand.
 */
export function frameworkErrorHandler(opts: SecurityHeadersOptions) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const clientFault = err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const body = !clientFault ? errorBody('INTERNAL', 'internal error', req.id) // an async route constraint failed: ours
      : errorBody('BAD_REQUEST', err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'the URL is not valid', req.id);
    const status = ERROR_STATUS[body.error.code];
    // Fastify writes no access line for these (no response listeners yet): write it here.
    if (clientFault) req.log.info({ ...accessLine(req, status), code: err.code }, 'request');
    else req.log.error({ ...accessLine(req, status), err }, 'request errored');
    reply.header('x-request-id', req.id);
    applySecurityHeaders(reply, opts, req.url);
    void reply.code(status).send(body);
  };
}
