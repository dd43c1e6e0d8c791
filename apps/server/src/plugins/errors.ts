// One error handler for the whole app: AppError → its status; validation and parser errors
// → 4xx with a stable code; anything else → 500 without internals (logged with the request id).
// Every error body carries the request id, as does every response's X-Request-Id header.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@ferry/contract';
import { AppError } from '../lib/app-error.ts';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED',
};

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

export default fp(async function errors(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  app.setNotFoundHandler(async (req, reply) => {
    return reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`, req.id));
  });

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
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
