// Per-client backpressure. A WebSocket send never blocks: it appends to the socket's buffer,
// which grows without bound when the peer stops reading. So this queue watches the buffer
// (`bufferedAmount`) and, above `highWaterBytes`, stops writing and holds messages itself:
//   - events (state changes) are never dropped: they wait in order in `backlog`; when more
//     than `maxBacklog` wait, the client has fallen too far behind and `onOverflow` ends it
//     (the client is told to resync);
//   - droppable messages (stats, heartbeats) are coalesced by key (one per host, one
//     heartbeat): only the newest undelivered one is kept.
// A congested queue is retried on a timer rather than on the socket's drain event, which `ws`
// does not expose; the delay only applies to clients that are already behind.
/** A message ready to write: text, or the UTF-8 bytes of text shared between clients. */
export type Frame = string | Buffer;

export interface Outlet {
  send(data: Frame): void;
  readonly bufferedAmount: number;
}

export interface OutboundQueueOptions {
  highWaterBytes: number;
  maxBacklog: number;
  /** How soon a congested queue tries again (ms). */
  retryMs: number;
  onOverflow(): void;
}

export class OutboundQueue {
  private backlog: Frame[] = [];
  private head = 0;
  private readonly droppable = new Map<string, Frame>();
  private timer: NodeJS.Timeout | null = null;
  private limit: number;
  private closed = false;

  constructor(private readonly out: Outlet, private readonly opts: OutboundQueueOptions) {
    this.limit = opts.maxBacklog;
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.backlog.length - this.head;
  }

  /** An event: delivered in order, or the client is ended. */
  event(json: Frame): void {
    if (this.closed) return;
    if (this.pending === 0 && this.out.bufferedAmount < this.opts.highWaterBytes) {
      this.out.send(json);
      return;
    }
    if (this.pending >= this.limit) {
      this.close();
      this.opts.onOverflow();
      return;
    }
    this.backlog.push(json);
    this.schedule();
  }

  /**
   * A replay: queued as a whole, and allowed beyond maxBacklog by its own length — its
   * frames are the replay window's, so holding them costs no copy — but not more.
   */
  replay(jsons: readonly Frame[]): void {
    this.limit = Math.max(this.limit, this.pending + jsons.length + this.opts.maxBacklog);
    for (const json of jsons) this.backlog.push(json);
    this.flush();
  }

  /** A message that the next one of the same key supersedes. */
  latest(key: string, json: Frame): void {
    if (this.closed) return;
    this.droppable.delete(key); // superseded; re-inserted last if it must wait
    if (this.pending === 0 && this.out.bufferedAmount < this.opts.highWaterBytes) {
      this.out.send(json);
      return;
    }
    this.droppable.set(key, json);
    this.schedule();
  }

  /** Stops all writing and forgets what waits. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.backlog = [];
    this.head = 0;
    this.droppable.clear();
  }

  private flush(): void {
    this.timer = null;
    if (this.closed) return;
    while (this.out.bufferedAmount < this.opts.highWaterBytes) {
      if (this.pending > 0) {
        this.out.send(this.backlog[this.head]!);
        this.backlog[this.head++] = ''; // let the frame go once its window entry does
      } else if (this.droppable.size > 0) {
        const [key, json] = this.droppable.entries().next().value!;
        this.droppable.delete(key);
        this.out.send(json);
      } else break;
    }
    if (this.pending === 0) {
      this.backlog = [];
      this.head = 0;
      this.limit = this.opts.maxBacklog;
    } else if (this.head > 1024 && this.head * 2 > this.backlog.length) {
      this.backlog = this.backlog.slice(this.head);
      this.head = 0;
    }
    if (this.pending > 0 || this.droppable.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.opts.retryMs);
    this.timer.unref();
  }
}
