// Main-thread side of the libvirt event loop Worker (see worker/event-worker.ts).
//
// One per process: libvirt's default event implementation is process-global and only one
// thread may run it. The main thread talks to the Worker by postMessage and wakes its blocked
// poll() with virEventAddTimeout — a non-blocking libvirt call, the only libvirt calls the
// main thread makes besides registering the connection close callback (see connection.ts).
import { Worker } from 'node:worker_threads';
import { LibvirtError } from './errors.ts';
import type { DomainEventKind } from './events.ts';
import type { FromEventLoop, ToEventLoop } from './worker/event-protocol.ts';
import { workerStart } from './worker/entry.ts';

type MainFfi = typeof import('./ffi/lib.ts');

export interface StreamSink {
  data(chunk: Uint8Array): void;
  drained(): void;
  end(error: LibvirtError | null): void;
}

export class EventLoop {
  private readonly worker: Worker;
  private readonly stop = new SharedArrayBuffer(4);
  private wakePtr = 0n;
  private ffi!: MainFfi;
  private readonly eventHandlers = new Map<number, (kind: DomainEventKind, domain: unknown, payload: unknown) => void>();
  private readonly pendingSubs = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly sinks = new Map<number, StreamSink>();
  private nextId = 1;
  private stopped = false;
  readonly ready: Promise<void>;
  private readonly exitHook = () => this.wakeForExit();

  constructor() {
    const start = workerStart('event-worker', { stop: this.stop });
    this.worker = new Worker(start.file, { workerData: start.workerData, execArgv: start.execArgv });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: FromEventLoop) => {
        if (m.t === 'ready') {
          this.wakePtr = m.wake;
          import('./ffi/lib.ts').then((ffi) => { this.ffi = ffi; resolve(); }, reject);
        } else this.onMessage(m);
      });
    });
    // process.exit() joins Worker threads; a Worker blocked in poll() would hang it forever.
    process.on('exit', this.exitHook);
  }

  /** Subscribes to one kind of domain event on a connection (optionally one domain). */
  async subscribe(conn: bigint, kind: DomainEventKind, domainUuid: string | null, handler: (kind: DomainEventKind, domain: unknown, payload: unknown) => void): Promise<number> {
    await this.ready;
    const sub = this.nextId++;
    this.eventHandlers.set(sub, handler);
    const done = new Promise<void>((resolve, reject) => this.pendingSubs.set(sub, { resolve, reject }));
    this.send({ t: 'subscribe', sub, conn, kind, domainUuid });
    try {
      await done;
    } catch (e) {
      this.eventHandlers.delete(sub);
      throw e;
    }
    return sub;
  }

  unsubscribe(sub: number): void {
    if (!this.eventHandlers.delete(sub)) return;
    this.send({ t: 'unsubscribe', sub });
  }

  watchStream(ptr: bigint, sink: StreamSink): number {
    const stream = this.nextId++;
    this.sinks.set(stream, sink);
    this.send({ t: 'stream-watch', stream, ptr });
    return stream;
  }

  writeStream(stream: number, data: Uint8Array): void {
    this.send({ t: 'stream-write', stream, data });
  }

  unwatchStream(stream: number): void {
    if (this.sinks.delete(stream)) this.send({ t: 'stream-unwatch', stream });
  }

  /** Stops the loop; resolves once the Worker has deregistered everything and exited. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    process.off('exit', this.exitHook);
    await this.ready.catch(() => undefined);
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    Atomics.store(new Int32Array(this.stop), 0, 1);
    this.wake();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }

  private send(m: ToEventLoop): void {
    if (this.stopped) return;
    this.worker.postMessage(m);
    this.wake();
  }

  private wake(): void {
    if (this.ffi && this.wakePtr) this.ffi.fn.virEventAddTimeout(0, this.wakePtr, null, null);
  }

  private wakeForExit(): void {
    Atomics.store(new Int32Array(this.stop), 0, 1);
    // A native no-op callback: during exit no JS may run on the Worker to service the timer.
    if (this.ffi) this.ffi.fn.virEventAddTimeout(0, this.ffi.nativeNoop, null, null);
  }

  private onMessage(m: FromEventLoop): void {
    switch (m.t) {
      case 'event': return this.eventHandlers.get(m.sub)?.(m.kind, m.domain, m.payload);
      case 'subscribed': { const p = this.pendingSubs.get(m.sub); this.pendingSubs.delete(m.sub); return p?.resolve(); }
      case 'subscribe-failed': { const p = this.pendingSubs.get(m.sub); this.pendingSubs.delete(m.sub); return p?.reject(new LibvirtError(m.error)); }
      case 'stream-data': return this.sinks.get(m.stream)?.data(m.data);
      case 'stream-drained': return this.sinks.get(m.stream)?.drained();
      case 'stream-end': { const s = this.sinks.get(m.stream); this.sinks.delete(m.stream); return s?.end(null); }
      case 'stream-error': { const s = this.sinks.get(m.stream); this.sinks.delete(m.stream); return s?.end(new LibvirtError(m.error)); }
      default: return;
    }
  }
}
