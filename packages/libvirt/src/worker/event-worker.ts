// The libvirt event loop, on its own Worker thread.
//
// - virEventRegisterDefaultImpl() runs here before any connection is opened anywhere in the
//   process (the main thread waits for 'ready'), then this thread runs virEventRunDefaultImpl()
//   in a synchronous loop: keepalive, domain events and stream I/O all need that loop.
// - Because the loop is synchronous, this Worker's own JS event loop never turns: messages from
//   the main thread are drained with receiveMessageOnPort() between iterations, and the main
//   thread wakes a blocked poll() by adding a 0 ms libvirt timer whose callback (owned by this
//   thread, so koffi calls it directly) removes itself.
// - Stop: the main thread sets a shared flag and wakes the loop with a timer whose callback is
//   a *native* no-op, so that even during process exit no JS has to run to unblock poll().
// - Streams are non-blocking (VIR_STREAM_NONBLOCK): reads and writes happen here when libvirt
//   says the stream is readable/writable, never blocking the loop.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { cb, fn, koffi, silenceDefaultErrorPrinter, type Ptr } from '../ffi/lib.ts';
import { CallFailure, checkInt, lastError } from '../ffi/call.ts';
import { DOMAIN_EVENT_IDS, type DomainEventKind } from '../events.ts';
import * as C from '../generated/constants.gen.ts';
import { makeCallbacks } from './event-callbacks.ts';
import type { FromEventLoop, ToEventLoop } from './event-protocol.ts';

const port = parentPort!;
const stopFlag = new Int32Array(workerData.stop as SharedArrayBuffer);
const post = (m: FromEventLoop, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

silenceDefaultErrorPrinter();
checkInt('virEventRegisterDefaultImpl', fn.virEventRegisterDefaultImpl());

const wake = koffi.register((timer: number) => { fn.virEventRemoveTimeout(timer); }, koffi.pointer(cb.timeout));

// ---- domain event subscriptions
const callbacks = makeCallbacks((sub, kind, domain, payload) => post({ t: 'event', sub, kind, domain, payload }));
const registered = new Map<DomainEventKind, unknown>();
const subscriptions = new Map<number, { conn: Ptr; callbackId: number }>();

function callbackFor(kind: DomainEventKind): unknown {
  let f = registered.get(kind);
  if (!f) registered.set(kind, (f = callbacks[kind]()));
  return f;
}

function subscribe(m: Extract<ToEventLoop, { t: 'subscribe' }>): void {
  let dom: Ptr | null = null;
  try {
    if (m.domainUuid) {
      dom = fn.virDomainLookupByUUIDString(m.conn, m.domainUuid);
      if (!dom) throw new CallFailure(lastError('virDomainLookupByUUIDString'));
    }
    const id = fn.virConnectDomainEventRegisterAny(m.conn, dom, DOMAIN_EVENT_IDS[m.kind], callbackFor(m.kind), BigInt(m.sub), null);
    if (id < 0) throw new CallFailure(lastError('virConnectDomainEventRegisterAny'));
    subscriptions.set(m.sub, { conn: m.conn, callbackId: id });
    post({ t: 'subscribed', sub: m.sub });
  } catch (e) {
    fn.virResetLastError();
    post({ t: 'subscribe-failed', sub: m.sub, error: e instanceof CallFailure ? e.data : { ...lastError('subscribe'), message: String(e) } });
  } finally {
    if (dom) fn.virDomainFree(dom);
  }
}

function unsubscribe(sub: number): void {
  const s = subscriptions.get(sub);
  if (!s) return;
  subscriptions.delete(sub);
  // Fails harmlessly when the connection already dropped (its callbacks died with it).
  if (fn.virConnectDomainEventDeregisterAny(s.conn, s.callbackId) < 0) fn.virResetLastError();
}

// ---- streams
const READ_CHUNK = 256 * 1024;
interface Watched { ptr: Ptr; queue: Uint8Array[]; writable: boolean }
const streams = new Map<number, Watched>();
const recvBuf = Buffer.alloc(READ_CHUNK);

const streamCallback = koffi.register((_st: Ptr, events: number, opaque: Ptr) => {
  const id = Number(opaque);
  const s = streams.get(id);
  if (!s) return;
  if (events & C.VIR_STREAM_EVENT_READABLE) readAvailable(id, s);
  if (streams.has(id) && events & C.VIR_STREAM_EVENT_WRITABLE) flush(id, s);
  if (streams.has(id) && events & (C.VIR_STREAM_EVENT_ERROR | C.VIR_STREAM_EVENT_HANGUP)) {
    readAvailable(id, s); // deliver what is left before reporting the end
    if (streams.has(id)) endStream(id, s, null);
  }
}, koffi.pointer(cb.stream));

function readAvailable(id: number, s: Watched): void {
  for (;;) {
    const n = fn.virStreamRecv(s.ptr, recvBuf, READ_CHUNK) as number;
    if (n > 0) {
      const data = new Uint8Array(n);
      data.set(recvBuf.subarray(0, n));
      post({ t: 'stream-data', stream: id, data }, [data.buffer as ArrayBuffer]);
      continue;
    }
    if (n === 0) return endStream(id, s, null);
    if (n === -2) return; // would block: wait for the next READABLE
    return endStream(id, s, lastError('virStreamRecv'));
  }
}

function flush(id: number, s: Watched): void {
  while (s.queue.length > 0) {
    const chunk = s.queue[0]!;
    const n = fn.virStreamSend(s.ptr, chunk, chunk.length) as number;
    if (n === -2) break;
    if (n < 0) return endStream(id, s, lastError('virStreamSend'));
    if (n < chunk.length) s.queue[0] = chunk.subarray(n);
    else s.queue.shift();
  }
  const wantWritable = s.queue.length > 0;
  if (wantWritable !== s.writable) {
    s.writable = wantWritable;
    fn.virStreamEventUpdateCallback(s.ptr, streamEvents(wantWritable));
  }
  if (!wantWritable) post({ t: 'stream-drained', stream: id });
}

const streamEvents = (writable: boolean) =>
  C.VIR_STREAM_EVENT_READABLE | C.VIR_STREAM_EVENT_ERROR | C.VIR_STREAM_EVENT_HANGUP | (writable ? C.VIR_STREAM_EVENT_WRITABLE : 0);

function endStream(id: number, s: Watched, error: ReturnType<typeof lastError> | null): void {
  streams.delete(id);
  if (fn.virStreamEventRemoveCallback(s.ptr) < 0) fn.virResetLastError();
  fn.virResetLastError();
  post(error ? { t: 'stream-error', stream: id, error } : { t: 'stream-end', stream: id });
}

function handle(m: ToEventLoop): void {
  switch (m.t) {
    case 'subscribe': return subscribe(m);
    case 'unsubscribe': return unsubscribe(m.sub);
    case 'stream-watch': {
      const s: Watched = { ptr: m.ptr, queue: [], writable: false };
      if (fn.virStreamEventAddCallback(m.ptr, streamEvents(false), streamCallback, BigInt(m.stream), null) < 0) {
        post({ t: 'stream-error', stream: m.stream, error: lastError('virStreamEventAddCallback') });
        fn.virResetLastError();
        return;
      }
      streams.set(m.stream, s);
      return;
    }
    case 'stream-write': {
      const s = streams.get(m.stream);
      if (!s) return;
      s.queue.push(m.data);
      return flush(m.stream, s);
    }
    case 'stream-unwatch': {
      const s = streams.get(m.stream);
      if (!s) return;
      streams.delete(m.stream);
      if (fn.virStreamEventRemoveCallback(s.ptr) < 0) fn.virResetLastError();
      return;
    }
  }
}

function drain(): void {
  for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) handle(msg.message as ToEventLoop);
}

post({ t: 'ready', wake: wake as Ptr });
while (Atomics.load(stopFlag, 0) === 0) {
  drain();
  if (fn.virEventRunDefaultImpl() < 0) fn.virResetLastError();
}
for (const sub of [...subscriptions.keys()]) unsubscribe(sub);
for (const [id, s] of streams) { streams.delete(id); fn.virStreamEventRemoveCallback(s.ptr); }
post({ t: 'stopped' });
