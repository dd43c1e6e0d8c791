// Moves an upload's bytes from the HTTP request into a libvirt stream, never holding the whole
// body: at most WRITE_BYTES wait while a write is in flight, and the next chunk is not pulled
// from the socket until libvirt has taken the last write (the request stream stays paused, so
// TCP pushes back on the client). The first HEAD_BYTES are held until the header has been
// judged: a refused image never reaches the host.
import { AppError } from '../../lib/app-error.ts';
import { HEAD_BYTES } from './image-header.ts';

/** Writes are batched to this size: one round trip to the event-loop Worker per MiB, not per 64 KiB socket read. */
export const WRITE_BYTES = 1 << 20;

/** What the pump needs of a libvirt upload stream (Stream fits). */
export interface UploadSink {
  /** Resolves when libvirt has taken the bytes (or the stream has ended; see failure()). */
  write(chunk: Uint8Array): Promise<void>;
}

export interface PumpOptions {
  /** The Content-Length: exactly this many bytes must arrive. */
  expectedBytes: number;
  /** Judges the first bytes (HEAD_BYTES, or all of a shorter body) before any is written; throws to refuse. */
  inspect(head: Buffer): void;
  /** Bytes libvirt has taken so far. */
  onProgress(bytesWritten: number): void;
  /** The stream's own failure, when libvirt reported one; checked after every write. */
  failure(): Error | null;
}

/** Resolves with the byte count once everything is written; rejects on a short, long or broken body and on a stream failure. */
export async function pump(body: AsyncIterable<Uint8Array>, sink: UploadSink, opts: PumpOptions): Promise<number> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let received = 0;
  let written = 0;
  let inspected = false;

  const take = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  const flush = async () => {
    if (pendingBytes === 0) return;
    const data = take();
    // A source may hand over more than WRITE_BYTES at once (not a socket, but a test's buffer).
    for (let at = 0; at < data.length; at += WRITE_BYTES) {
      const chunk = data.subarray(at, at + WRITE_BYTES);
      await sink.write(chunk);
      const failed = opts.failure();
      if (failed) throw failed;
      written += chunk.length;
      opts.onProgress(written);
    }
  };
  const inspect = () => {
    const head = take();
    opts.inspect(head.subarray(0, HEAD_BYTES));
    pending = [head];
    pendingBytes = head.length;
    inspected = true;
  };

  for await (const piece of body) {
    received += piece.byteLength;
    if (received > opts.expectedBytes) throw new AppError('BAD_REQUEST', `the body is longer than its Content-Length (${opts.expectedBytes})`);
    pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    pendingBytes += piece.byteLength;
    if (!inspected && pendingBytes >= HEAD_BYTES) inspect();
    if (inspected && pendingBytes >= WRITE_BYTES) await flush();
  }
  if (received !== opts.expectedBytes) {
    throw new AppError('BAD_REQUEST', `the body ended after ${received} of ${opts.expectedBytes} bytes`);
  }
  if (!inspected) inspect();
  await flush();
  return written;
}
