// A libvirt stream (serial console, volume upload/download). I/O is non-blocking and runs on
// the event-loop Worker; setup and finish are RPCs and run in the call pool.
import { EventEmitter } from 'node:events';
import type { EventLoop } from './event-loop.ts';
import type { LibvirtError } from './errors.ts';
import type { CallPool } from './pool.ts';

export interface StreamEvents {
  data: [chunk: Uint8Array];
  end: [];
  error: [error: LibvirtError];
}

export class Stream extends EventEmitter<StreamEvents> {
  private watchId = 0;
  private ended = false;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly pool: CallPool, private readonly loop: EventLoop, readonly ptr: bigint) {
    super();
  }

  /** @internal starts delivering data; called once the stream is attached to its source. */
  watch(): void {
    this.watchId = this.loop.watchStream(this.ptr, {
      data: (chunk) => this.emit('data', chunk),
      drained: () => this.drainWaiters.splice(0).forEach((f) => f()),
      end: (error) => {
        this.ended = true;
        this.drainWaiters.splice(0).forEach((f) => f());
        if (error) this.emit('error', error);
        else this.emit('end');
      },
    });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Queues bytes; resolves when libvirt has taken everything queued so far (backpressure). */
  write(chunk: Uint8Array): Promise<void> {
    if (this.ended) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.loop.writeStream(this.watchId, chunk);
    return done;
  }

  /** Completes the transfer (e.g. an upload) and releases the stream. */
  async finish(): Promise<void> {
    this.loop.unwatchStream(this.watchId);
    try {
      await this.pool.call('streamFinish', [this.ptr]);
    } finally {
      await this.release();
    }
  }

  /** Abandons the transfer (e.g. closes a console) and releases the stream. */
  async abort(): Promise<void> {
    this.loop.unwatchStream(this.watchId);
    try {
      await this.pool.call('streamAbort', [this.ptr]).catch(() => undefined); // already-ended streams refuse abort
    } finally {
      await this.release();
    }
  }

  private async release(): Promise<void> {
    this.ended = true;
    await this.pool.call('streamFree', [this.ptr]);
  }
}
