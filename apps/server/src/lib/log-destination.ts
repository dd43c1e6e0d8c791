// Where Ferry's log lines go when no test supplies a destination: stdout, in batches.
//
// pino's default destination starts an asynchronous write as soon as a line arrives while none
// is in flight: under load, a write every few requests, each one waking a libuv pool thread and
// then the event loop for its completion. Here lines collect until BATCH_CHARS are waiting
// (then one synchronous write on the main thread: no thread hops) or FLUSH_MS have passed since
// the first of them (a timer, armed only while lines wait). The batch is kept here rather than
// with sonic-boom's minLength, which measures its whole growing buffer on every line.
//
// Nothing is lost on a normal exit or an uncaught exception: what waits is written on 'exit'.
// A SIGKILL (or the OOM killer) can lose at most the last FLUSH_MS of lines.
import pino, { type DestinationStream } from 'pino';

const BATCH_CHARS = 16 * 1024;
const FLUSH_MS = 100;

export interface BatchedDestination extends DestinationStream {
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
}

export function batchedStdout(fd = 1): BatchedDestination {
  // sync: a write happens when asked (once per batch), on this thread; sonic-boom still
  // handles partial writes and EAGAIN.
  const dest = pino.destination({ dest: fd, sync: true });
  let batch = '';
  let timer: NodeJS.Timeout | null = null;
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (batch === '') return;
    const out = batch;
    batch = '';
    dest.write(out);
  };
  process.on('exit', flushNow);
  return {
    write(line: string) {
      batch += line;
      if (batch.length >= BATCH_CHARS) flushNow();
      else timer ??= setTimeout(flushNow, FLUSH_MS).unref();
    },
    flush(cb) {
      flushNow();
      cb?.();
    },
    flushSync: flushNow,
  };
}
