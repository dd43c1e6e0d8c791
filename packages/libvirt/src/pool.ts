// The call pool: a few Workers that each run libvirt calls synchronously (see call-worker.ts).
//
// Model:
// - Calls wait in one FIFO queue on the main thread. Calls made in the same tick are gathered
//   (one microtask later) and split evenly over the Workers with room, up to BATCH_MAX per
//   message and two messages per Worker: one call is one round trip, and a saturated pool
//   amortises postMessage while every Worker always has its next batch waiting.
// - Each call carries a tag (its connection's id), so a connection can count its running calls
//   and reject them all at once when libvirt says it is gone, without wrapping every promise.
// - Workers start as they are needed: one at first (each costs ~9 MB of memory even idle),
//   another when calls arrive while every started one is busy, or still wait after each got its
//   share, up to `size`. A Worker being started gets no calls until it is ready, and meanwhile a
//   busy one takes no second batch. A second Worker is what keeps a slow call (a migration, an
//   unresponsive remote host) from holding up the rest.
// - Every call has a deadline. libvirt itself has none (a SIGSTOPped daemon or a hung RPC
//   blocks the calling thread indefinitely), so a sweep rejects calls past their deadline with
//   a timeout error — their outcome is unknown — and a Worker still busy with one is retired:
//   a fresh Worker takes its place and the stuck one is terminated when its call returns.
// - The main thread never blocks: it only posts and receives messages.
// - Garbage-collector hygiene (measured: it decides the main thread's event-loop delay under
//   load). Calls are held in long-lived, reused CallRecords; queues, per-Worker sets and
//   messages carry record indices (small integers), never objects. A Map<id, object> that
//   churns leaves its rehashed, dead hash tables in old space still pointing at young call
//   objects; the scavenger must treat those pointers as roots, so every call's promise chain
//   survived and was copied: 7–10 MB per scavenge, 15–20 ms pauses at 100k calls/s.
import { Worker } from 'node:worker_threads';
import { LibvirtError } from './errors.ts';
import type { Ops, OpName } from './ops/index.ts';
import type { CallRequest, CallReplies } from './worker/protocol.ts';
import { workerStart } from './worker/entry.ts';
import { takeBatch } from './pool-batch.ts';

const BATCH_MAX = 32;
/** Batches a Worker may hold: the second waits in its port while the first runs, so the Worker
 *  never idles while the main thread is busy resolving replies and callers re-issue calls. */
const BATCHES_PER_WORKER = 2;
const SWEEP_MS = 50;
/** Retired Workers allowed to sit in a hung call before new Workers stop being spawned. */
const MAX_RETIRED = 8;

export interface PoolOptions {
  /** The most Workers (default 2). */
  size?: number;
  /** Workers started at once (default 1); the others start when all are busy. */
  initialSize?: number;
  /** Default deadline for a call, in ms. */
  callTimeoutMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
}

const NO_OPTIONS: CallOptions = {};

/** One call's bookkeeping, reused for the next call once settled (see the header on GC). */
class CallRecord {
  /** Bumped on every release, so a late reply for an earlier use of this record is ignored. */
  serial = 0;
  op = '';
  args: unknown[] | null = null;
  deadline = 0;
  timeoutMs = 0;
  tag = 0;
  resolve: ((v: unknown) => void) | null = null;
  reject: ((e: Error) => void) | null = null;
  constructor(readonly index: number) {}
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Indices of the records this Worker is running. */
  inFlight: Set<number>;
  /** Batch messages posted and not yet answered. */
  batches: number;
  retired: boolean;
  /** Ready for calls (its Worker has loaded libvirt). */
  started: boolean;
}


export class CallPool {
  readonly size: number;
  readonly callTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly retired = new Set<Slot>();
  private readonly records: CallRecord[] = [];
  private readonly free: number[] = [];
  /** Record indices waiting for a Worker, oldest first. */
  private readonly queue: number[] = [];
  private sweeper: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 2);
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    const initial = Math.min(this.size, Math.max(1, opts.initialSize ?? 1));
    for (let i = 0; i < initial; i++) this.slots.push(this.spawn());
  }

  /** Workers started or starting (retired ones aside). */
  get workers(): number {
    return this.slots.length;
  }

  /** Resolves when every Worker started so far has loaded libvirt. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Runs one operation in a Worker. `tag` groups calls (by connection) for countTag/rejectTag. */
  call<K extends OpName>(op: K, args: Parameters<Ops[K]>, opts: CallOptions = NO_OPTIONS, tag = 0): Promise<ReturnType<Ops[K]>> {
    if (this.closed) return Promise.reject(LibvirtError.closed(op, 'the libvirt client'));
    const timeoutMs = opts.timeoutMs ?? this.callTimeoutMs;
    return new Promise((resolve, reject) => {
      const r = this.acquire();
      r.op = op;
      r.args = args;
      r.deadline = Date.now() + timeoutMs;
      r.timeoutMs = timeoutMs;
      r.tag = tag;
      r.resolve = resolve as (v: unknown) => void;
      r.reject = reject;
      this.queue.push(r.index);
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(this.scheduledPump);
      }
      if (!this.sweeper) this.armSweeper();
    });
  }

  /** Calls with this tag that are queued or running. */
  countTag(tag: number): number {
    let n = 0;
    for (const i of this.queue) if (this.records[i]!.tag === tag) n++;
    for (const s of [...this.slots, ...this.retired]) for (const i of s.inFlight) if (this.records[i]!.tag === tag) n++;
    return n;
  }

  /** Rejects every queued or running call with this tag now; late Worker replies are ignored. */
  rejectTag(tag: number, error: (op: string) => Error): void {
    for (let q = this.queue.length - 1; q >= 0; q--) {
      const r = this.records[this.queue[q]!]!;
      if (r.tag === tag) { this.queue.splice(q, 1); this.settle(r, error(r.op)); }
    }
    for (const s of [...this.slots, ...this.retired]) {
      for (const i of [...s.inFlight]) {
        const r = this.records[i]!;
        if (r.tag === tag) { s.inFlight.delete(i); this.settle(r, error(r.op)); }
      }
    }
  }

  private acquire(): CallRecord {
    const i = this.free.pop();
    if (i !== undefined) return this.records[i]!;
    const r = new CallRecord(this.records.length);
    this.records.push(r);
    return r;
  }

  /** Settles a record's promise (a value, or an Error to reject with) and returns the record for reuse. */
  private settle(r: CallRecord, outcome: unknown, ok = false): void {
    const { resolve, reject } = r;
    r.serial++;
    r.args = null;
    r.resolve = null;
    r.reject = null;
    this.free.push(r.index);
    if (ok) resolve!(outcome);
    else reject!(outcome as Error);
  }

  private readonly scheduledPump = () => {
    this.pumpScheduled = false;
    this.pump();
  };

  /** Number of calls queued or running. */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.slots) n += s.inFlight.size;
    return n;
  }

  /**
   * Stops the pool: queued calls are rejected, running calls get up to `graceMs` to finish,
   * then every Worker is terminated. A Worker stuck inside a native call cannot be interrupted;
   * terminate() takes effect when that call returns.
   */
  async close(graceMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const i of this.queue.splice(0)) this.settle(this.records[i]!, LibvirtError.closed(this.records[i]!.op, 'the libvirt client'));
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.inFlight.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const s of [...this.slots, ...this.retired]) {
      for (const i of s.inFlight) this.settle(this.records[i]!, LibvirtError.closed(this.records[i]!.op, 'the libvirt client'));
      s.inFlight.clear();
      void s.worker.terminate();
    }
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private spawn(): Slot {
    const start = workerStart('call-worker');
    const worker = new Worker(start.file, { workerData: start.workerData, execArgv: start.execArgv });
    const slot: Slot = { worker, inFlight: new Set(), batches: 0, retired: false, started: false, ready: Promise.resolve() };
    slot.ready = new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    slot.ready.then(() => {
      slot.started = true;
      worker.removeAllListeners('error');
      worker.on('message', (m: CallReplies) => this.onReplies(slot, m));
      worker.on('error', (e) => this.onWorkerDeath(slot, e));
      this.pump();
    }, (e) => this.onWorkerDeath(slot, e));
    worker.unref();
    return slot;
  }

  private onReplies(slot: Slot, msg: CallReplies): void {
    slot.batches--;
    for (const res of msg.results) {
      const r = this.records[res.id]!;
      // Stale: rejected by its deadline or a disconnect, and maybe reused since.
      if (r.serial !== res.serial || !slot.inFlight.delete(res.id)) continue;
      if (res.ok) this.settle(r, res.value, true);
      else this.settle(r, 'error' in res ? new LibvirtError(res.error) : new Error(res.internal));
    }
    if (slot.retired && slot.inFlight.size === 0) {
      this.retired.delete(slot);
      void slot.worker.terminate();
    }
    this.pump();
  }

  private onWorkerDeath(slot: Slot, e: unknown): void {
    for (const i of slot.inFlight) this.settle(this.records[i]!, new Error(`libvirt worker died: ${e instanceof Error ? e.message : String(e)}`));
    slot.inFlight.clear();
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (this.closed || this.retired.size >= MAX_RETIRED) {
      this.slots.splice(i, 1); // no replacement: the pool shrinks until stuck Workers return
    } else {
      this.slots[i] = this.spawn();
    }
  }

  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    // Calls arrive and every Worker is busy (a slow call, a burst): start another.
    if (this.slots.every((s) => s.started && s.batches > 0)) this.grow();
    this.post();
    // Calls still wait after every Worker got its share: start another.
    if (this.queue.length > 0) this.grow();
  }

  private grow(): void {
    // Not past `size`, not while one is starting, not while stuck Workers use up the budget.
    if (this.slots.length >= this.size || this.retired.size >= MAX_RETIRED || this.slots.some((s) => !s.started)) return;
    this.slots.push(this.spawn());
  }

  private post(): void {
    // While a Worker starts, a busy one takes no second batch: those calls wait for the new
    // Worker (or for the busy one to finish) instead of queueing behind what may be a slow call.
    const perWorker = this.slots.some((s) => !s.started) ? 1 : BATCHES_PER_WORKER;
    // A Worker inside a call with its own longer deadline (a migration: minutes to hours) takes
    // no second batch either: whatever followed it — the job-stats polls, the abortJob that
    // cancels that very migration — would wait for it to end.
    const open = this.slots.filter((s) => s.started && s.batches < perWorker && !(s.batches > 0 && this.runsLongCall(s))).sort((a, b) => a.batches - b.batches);
    if (open.length === 0) return;
    const share = Math.min(BATCH_MAX, Math.ceil(this.queue.length / open.length));
    for (const slot of open) {
      if (this.queue.length === 0) return;
      const batch = takeBatch(this.queue, share, this.isLongCall);
      slot.batches++;
      const requests: CallRequest[] = batch.map((i) => {
        const r = this.records[i]!;
        slot.inFlight.add(i);
        return { id: i, serial: r.serial, op: r.op, args: r.args! };
      });
      slot.worker.postMessage({ batch: requests });
    }
  }

  /** A call with its own deadline beyond the default: a migration, minutes to hours. */
  private readonly isLongCall = (i: number): boolean => this.records[i]!.timeoutMs > this.callTimeoutMs;

  private runsLongCall(slot: Slot): boolean {
    for (const i of slot.inFlight) if (this.isLongCall(i)) return true;
    return false;
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    for (let q = this.queue.length - 1; q >= 0; q--) {
      const r = this.records[this.queue[q]!]!;
      if (r.deadline <= now) {
        this.queue.splice(q, 1);
        this.settle(r, LibvirtError.timeout(r.op, r.timeoutMs));
      }
    }
    for (const slot of [...this.slots]) {
      let expired = false;
      for (const i of [...slot.inFlight]) {
        const r = this.records[i]!;
        if (r.deadline > now) continue;
        slot.inFlight.delete(i);
        this.settle(r, LibvirtError.timeout(r.op, r.timeoutMs));
        expired = true;
      }
      if (expired) {
        // The Worker is stuck in a native call; let a fresh one serve the queue.
        // It is terminated when its late reply arrives (see onReplies).
        slot.retired = true;
        this.retired.add(slot);
        this.replace(slot);
      }
    }
    if (this.pending === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
    this.pump();
  }
}
