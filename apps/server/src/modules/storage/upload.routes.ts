// POST /storage/pools/:pool/volumes/upload — the one route whose body is a byte stream.
//
// It is registered in a plugin of its own: the application/octet-stream parser added here
// hands the request stream over untouched (no buffering, and Fastify's bodyLimit does not
// apply: the size is judged from Content-Length against the pool and maxUploadBytes), and,
// Fastify's plugins being encapsulated, no other route accepts that content type. Every other
// route keeps the JSON parser and its 1 MiB limit.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';
import { registerRoute } from '../../lib/route.ts';
import type { QemuImgInfoFn } from './image-check.ts';
import { startUpload } from './upload.service.ts';

export interface UploadRoutesOptions {
  /** The largest upload accepted, in bytes (default DEFAULT_MAX_UPLOAD_BYTES). */
  maxUploadBytes?: number;
  /** Replaces `qemu-img info` (tests). */
  qemuImg?: QemuImgInfoFn;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 2 ** 30;
export const OCTET_STREAM = 'application/octet-stream';

export async function uploadRoutes(app: FastifyInstance, opts: UploadRoutesOptions): Promise<void> {
  app.addContentTypeParser(OCTET_STREAM, (_req, payload, done) => done(null, payload));
  // lib/route.ts states JSON bodies only; the OpenAPI document learns this route's content
  // type here (@fastify/swagger reads `consumes` from the schema when it builds the document).
  app.addHook('onRoute', (route) => {
    if (route.config?.routeDef === routes.uploadVolume) route.schema = { ...route.schema, consumes: [OCTET_STREAM] };
  });
  // A refusal before the whole body was read (401/403 included): close the connection rather
  // than let Node read and discard up to the full Content-Length before the next request.
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.raw.complete) reply.header('connection', 'close');
    return payload;
  });

  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  registerRoute(app, routes.uploadVolume, async (req, reply) => {
    const { pool } = req.params;
    const { name, format } = req.query;
    req.auditTarget = `pool:${pool}/volume:${name}`;
    const started = await startUpload({ hosts: app.hosts, tasks: app.tasks, maxUploadBytes, ...(opts.qemuImg ? { qemuImg: opts.qemuImg } : {}) }, {
      hostId: req.query.hostId, pool, name, format,
      contentLength: req.headers['content-length'], body: req.body as Readable, userId: req.principal?.userId ?? null,
    });
    req.auditTarget = `host:${started.hostId}/pool:${pool}/volume:${name}`;
    try {
      await started.received;
    } catch (e) {
      // The task exists and holds the log of what happened: point at it.
      const err = e instanceof AppError ? e : new AppError('INTERNAL', 'the upload failed');
      throw new AppError(err.code, err.message, { ...(isRecord(err.details) ? err.details : {}), taskId: started.taskId });
    }
    reply.code(202);
    return { taskId: started.taskId };
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
