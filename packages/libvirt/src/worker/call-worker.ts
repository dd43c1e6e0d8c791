// A pool Worker: runs libvirt calls synchronously, one after another, on its own thread, so
// virGetLastError() read right after a failure is this call's error and nobody else's.
// Batches let the main thread amortise postMessage when many calls are queued.
import { parentPort } from 'node:worker_threads';
import { fn, silenceDefaultErrorPrinter } from '../ffi/lib.ts';
import { CallFailure } from '../ffi/call.ts';
import { ops } from '../ops/index.ts';
import type { CallBatch, CallReplies, CallRequest, CallResult } from './protocol.ts';
import { takeTransfers } from './transfer.ts';

silenceDefaultErrorPrinter();

// A little lower CPU priority than the event-loop thread (Linux: nice applies per thread).
// With the pool saturated on a 2-core host, the main thread — HTTP, WebSockets, timers —
// then gets a core first and libvirt work takes what is left. Best effort.
const PRIO_PROCESS = 0;
const POOL_NICE = 5;
fn.setpriority(PRIO_PROCESS, fn.gettid(), POOL_NICE);

const table = ops as unknown as Record<string, (...args: unknown[]) => unknown>;

function run({ id, serial, op, args }: CallRequest): CallResult {
  const f = table[op];
  if (!f) return { id, serial, ok: false, internal: `unknown operation ${op}` };
  try {
    return { id, serial, ok: true, value: f(...args) };
  } catch (e) {
    if (e instanceof CallFailure) return { id, serial, ok: false, error: e.data };
    return { id, serial, ok: false, internal: `${op}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

parentPort!.on('message', (msg: CallBatch) => {
  const reply: CallReplies = { results: msg.batch.map(run) };
  parentPort!.postMessage(reply, takeTransfers()); // results' big numeric arrays move, not copied (transfer.ts)
});
parentPort!.postMessage({ ready: true });
