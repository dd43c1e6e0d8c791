// An image upload: checked up front, streamed into a new volume as a task, checked again.
//
//   request ──checks──▶ placeholder volume ──task: pump body → libvirt stream──▶ 202 {taskId}
//                                              └─ task goes on: refresh, check image ──▶ result
//
// Up front (before any byte is read, so refusals cost the client nothing): Content-Length is
// required (a chunked body cannot be checked against the pool), must not exceed the configured
// maximum (413) nor the pool's free space (INSUFFICIENT_SPACE), the pool must run and the
// name be free. The placeholder is created as a sparse raw file of exactly Content-Length
// bytes, so the upload overwrites all of it (a qcow2 placeholder would leave its own tail
// behind a shorter image); libvirt reports the real format when it re-probes after the upload.
//
// The task starts at once (its own queue key) and is visible with progress while the bytes
// flow; the HTTP answer waits until they are all in (`received`), then gives the task id, and
// the task continues with the checks. Any failure — client gone, short body, refused header,
// libvirt error, failed check, DELETE /tasks/:id — aborts the stream and deletes the volume.
import type { Readable } from 'node:stream';
import { buildVolumeXml } from '@ferry/domain-xml';
import type { Stream } from '@ferry/libvirt';
import { FINISHED_TASK_STATES, type VolumeUploadResult } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskContext, TaskService } from '../tasks/task-service.ts';
import { hostTarget, lv, type HostTarget } from './host-target.ts';
import { judgeImageHead, type DeclaredFormat } from './image-header.ts';
import { checkUploadedVolume, type QemuImgInfoFn } from './image-check.ts';
import { pump } from './upload-pump.ts';
import { assertFree, checkSpace, poolAvailable } from './volumes.service.ts';

export interface UploadDeps {
  hosts: Pick<HostRegistry, 'get' | 'list'>;
  tasks: TaskService;
  maxUploadBytes: number;
  qemuImg?: QemuImgInfoFn;
}

export interface UploadInput {
  hostId: string | undefined;
  pool: string;
  name: string;
  format: DeclaredFormat;
  contentLength: string | undefined;
  body: Readable;
  userId: string | null;
}

export interface StartedUpload {
  hostId: string;
  taskId: string;
  /** Resolves when every byte is in libvirt's hands; rejects (with the task's error) otherwise. */
  received: Promise<void>;
}

export function parseContentLength(header: string | undefined, max: number): number {
  if (header === undefined) throw new AppError('BAD_REQUEST', 'an upload needs a Content-Length header (chunked bodies are refused)');
  if (!/^\d{1,16}$/.test(header)) throw new AppError('BAD_REQUEST', 'malformed Content-Length');
  const length = Number(header);
  if (length === 0) throw new AppError('BAD_REQUEST', 'the upload is empty');
  if (length > max) throw new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${max} bytes`, { maxBytes: max });
  return length;
}

export async function startUpload(deps: UploadDeps, input: UploadInput): Promise<StartedUpload> {
  const bytes = parseContentLength(input.contentLength, deps.maxUploadBytes);
  const target = hostTarget(deps.hosts, input.hostId);
  const { conn } = target;
  const { pool, name } = input;
  const availableBefore = await poolAvailable(target, pool);
  checkSpace(pool, bytes, availableBefore);
  await assertFree(target, pool, name);
  await lv('creating the volume', () => conn.createVolume(pool, buildVolumeXml({ name, capacityBytes: bytes, format: 'raw' })));

  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const received = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  received.catch(() => undefined); // the route awaits it; this only keeps an early rejection from counting as unhandled

  let taskId: string;
  let started = false;
  try {
    taskId = deps.tasks.submit<VolumeUploadResult>({
      type: 'volume.upload',
      target: { kind: 'pool', id: pool },
      hostId: target.hostId,
      userId: input.userId,
      queueKey: `volume:${target.hostId}/${pool}/${name}`,
      cancellable: true,
      run: (ctx) => { started = true; return runUpload(ctx, { ...input, bytes, availableBefore, target, qemuImg: deps.qemuImg, received: settle }); },
    });
  } catch (e) {
    await conn.deleteVolume(pool, name).catch(() => undefined);
    throw e;
  }
  // A task that ends without running (Ferry shutting down) neither settles `received` nor
  // removes the placeholder itself.
  const off = deps.tasks.onChange((t) => {
    if (t.id !== taskId || !FINISHED_TASK_STATES.includes(t.state)) return;
    off();
    settle.reject(new AppError(t.error?.code ?? 'INTERNAL', t.error?.message ?? `the upload task ended ${t.state}`));
    if (!started) void conn.deleteVolume(pool, name).catch(() => undefined);
  });
  return { hostId: target.hostId, taskId, received };
}

interface RunInput extends UploadInput {
  bytes: number;
  availableBefore: number;
  target: HostTarget;
  qemuImg: QemuImgInfoFn | undefined;
  received: { resolve: () => void; reject: (e: unknown) => void };
}

async function runUpload(ctx: TaskContext, r: RunInput): Promise<VolumeUploadResult> {
  const { conn } = r.target;
  let stream: Stream | null = null;
  let released = false; // finish() or abort() frees the stream: never call either twice
  let streamError: Error | null = null;
  // Cancelling stops the pump at once, even while it waits for the client's next chunk.
  const cancel = () => r.body.destroy(ctx.signal.reason as Error);
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    ctx.log(`receiving ${r.bytes} bytes (${r.format}) into ${r.pool}/${r.name}`);
    stream = await lv('opening the upload stream', () => conn.uploadVolume(r.pool, r.name, { length: r.bytes }));
    stream.on('error', (e) => { streamError = fromLibvirt(e, 'writing the volume'); });
    // destroyOnReturn: false — when the pump stops early (a refused header), the request must
    // stay open so the route can still answer it (with Connection: close).
    const body: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => r.body.iterator({ destroyOnReturn: false }) };
    await pump(body, stream, {
      expectedBytes: r.bytes,
      inspect: (head) => {
        const verdict = judgeImageHead(head, r.format);
        if (!verdict.ok) throw new AppError('BAD_REQUEST', verdict.reason);
        if (verdict.virtualSize !== null) checkSpace(r.pool, verdict.virtualSize, r.availableBefore);
      },
      onProgress: (written) => ctx.progress({ phase: 'receiving', bytes: written, totalBytes: r.bytes, percent: Math.floor((written / r.bytes) * 100) }),
      failure: () => streamError,
    });
    released = true;
    await lv('completing the upload', () => stream!.finish());
    r.received.resolve();
    ctx.progress({ phase: 'checking', bytes: r.bytes, totalBytes: r.bytes, percent: 100 });
    ctx.log('all bytes written; checking the image');
    const checked = await checkUploadedVolume({
      conn, uri: r.target.host.record.uri, pool: r.pool, name: r.name, declared: r.format, bytes: r.bytes,
      availableBefore: r.availableBefore, log: ctx.log, ...(r.qemuImg ? { qemuImg: r.qemuImg } : {}),
    });
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { pool: r.pool, volume: r.name, path: checked.path, format: r.format, capacityBytes: checked.capacityBytes };
  } catch (e) {
    const err = asUploadError(e, ctx.signal);
    if (stream && !released) await stream.abort().catch(() => undefined);
    await conn.deleteVolume(r.pool, r.name).then(
      () => ctx.log(`removed the partial volume ${r.pool}/${r.name}`),
      (d: unknown) => ctx.log(`could not remove ${r.pool}/${r.name}: ${(d as Error).message}`, 'warn'),
    );
    r.received.reject(err);
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
  }
}

function asUploadError(e: unknown, signal: AbortSignal): AppError {
  if (signal.aborted) return signal.reason instanceof AppError ? signal.reason : new AppError('INVALID_STATE', 'the upload was cancelled');
  if (e instanceof AppError) return e;
  // The request stream fails with ECONNRESET ("aborted") when the client goes away mid-body.
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error | null)?.message === 'aborted') {
    return new AppError('BAD_REQUEST', 'the client closed the connection before the upload was complete');
  }
  return fromLibvirt(e, 'the upload');
}
