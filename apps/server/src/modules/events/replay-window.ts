// The recent past of the event stream, for `?since=<seq>` resumes. Every published event is
// kept, in seq order, until the window holds more than `maxEvents` or the event is older than
// `maxAgeMs`; then it is gone and a resume from before it must resync instead. Because the bus
// numbers every event it publishes and keeps every one here, the seqs in the window are
// contiguous: the entry for a seq is found by subtraction, not by search.
import type { EventMessage } from '@ferry/contract';

export interface WindowEntry {
  event: EventMessage;
  /** The event serialized and UTF-8 encoded once, shared by every client it is sent to. */
  data: Buffer;
  /** When it was published (ms), for age pruning. */
  atMs: number;
}

export interface ReplayWindowOptions {
  maxEvents: number;
  maxAgeMs: number;
  now: () => number;
}

export class ReplayWindow {
  private entries: WindowEntry[] = [];
  private head = 0; // entries before head are pruned (compacted in batches)

  constructor(private readonly opts: ReplayWindowOptions) {}

  push(entry: WindowEntry): void {
    this.entries.push(entry);
    this.prune();
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /**
   * The entries with a seq above `since`, given that `lastSeq` is the newest published; null
   * when some of them have left the window (or `since` is not a seq this server issued).
   */
  after(since: number, lastSeq: number): WindowEntry[] | null {
    if (since > lastSeq) return null; // from another run of the server, or invented
    if (since === lastSeq) return [];
    this.prune();
    const first = this.entries[this.head];
    if (!first || since + 1 < first.event.seq) return null;
    return this.entries.slice(this.head + (since + 1 - first.event.seq));
  }

  private prune(): void {
    const { maxEvents, maxAgeMs, now } = this.opts;
    const oldest = now() - maxAgeMs;
    while (this.size > maxEvents || (this.size > 0 && this.entries[this.head]!.atMs < oldest)) this.head++;
    // Compact now and then instead of shifting on every prune (O(n) each).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
