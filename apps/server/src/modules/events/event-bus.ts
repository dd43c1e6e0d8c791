// The event bus: one ordered stream of everything that happened, numbered here.
//
// - seq: publish() gives each event the next number. Numbers start from a time-based base
//   (ms since the epoch × 1000), so a restarted server keeps counting upwards and a client
//   resuming with a seq from the previous run is told to resync, never handed another run's
//   events under familiar numbers.
// - window: every event is kept in the replay window (replay-window.ts) for resumes.
// - fan-out: publish() hands the event, serialized and encoded once, to every attached sink (a WebSocket
//   client) synchronously, in seq order. Each sink decides what it may see and queues without
//   blocking (outbound-queue.ts), so one slow client never delays the others or the publisher.
// - attach(): a sink joins and gets what it missed in one synchronous step: nothing can be
//   published between taking the replay and joining the live stream, so there is neither a gap
//   nor a duplicate at the switch.
// - stats: publishStats() fans out samples the same way but keeps no seq and no history; they
//   are superseded by the next sample anyway.
import type { EventInput, EventMessage, StatsMessage } from '@ferry/contract';
import { ReplayWindow, type WindowEntry } from './replay-window.ts';

export interface EventSink {
  event(entry: WindowEntry): void;
  stats(msg: StatsMessage, data: Buffer): void;
}

export type EventListener = (e: EventMessage) => void;

export interface EventBusOptions {
  /** Replay window bounds (default 10,000 events, 10 minutes). */
  windowEvents?: number;
  windowMs?: number;
  /** The first seq minus one (default: a time-based base). */
  seqBase?: number;
  now?: () => number;
  /** Where a failing listener or sink is reported. */
  onError?: (err: unknown, what: string) => void;
}

export interface Attached {
  /** The newest seq at the moment of attaching. */
  seq: number;
  /** Events after `since` (in order), or null when the window no longer reaches that far. */
  replay: WindowEntry[] | null;
}

export class EventBus {
  private seq: number;
  private readonly window: ReplayWindow;
  private readonly sinks = new Set<EventSink>();
  private readonly listeners = new Set<EventListener>();
  private readonly now: () => number;
  private readonly onError: (err: unknown, what: string) => void;

  constructor(opts: EventBusOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.seq = opts.seqBase ?? this.now() * 1000;
    this.onError = opts.onError ?? (() => undefined);
    this.window = new ReplayWindow({ maxEvents: opts.windowEvents ?? 10_000, maxAgeMs: opts.windowMs ?? 10 * 60_000, now: this.now });
  }

  /** The newest seq published (the resume point of a client that saw everything). */
  get lastSeq(): number {
    return this.seq;
  }

  get clientCount(): number {
    return this.sinks.size;
  }

  publish(input: EventInput): EventMessage {
    // `type` first, then `seq`: the order a reader of the raw stream expects. Assigned after
    // the spread so nothing in the input can override the number.
    const event = Object.assign({ type: input.type, seq: 0 }, input) as EventMessage;
    event.seq = ++this.seq;
    const entry: WindowEntry = { event, data: Buffer.from(JSON.stringify(event)), atMs: this.now() };
    this.window.push(entry);
    for (const sink of this.sinks) {
      try {
        sink.event(entry);
      } catch (err) {
        this.onError(err, 'event sink');
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onError(err, 'event listener');
      }
    }
    return event;
  }

  /** For the stats sampler: never throws, never waits. */
  publishStats(msg: StatsMessage): void {
    if (this.sinks.size === 0) return;
    try {
      const data = Buffer.from(JSON.stringify(msg));
      for (const sink of this.sinks) {
        try {
          sink.stats(msg, data);
        } catch (err) {
          this.onError(err, 'stats sink');
        }
      }
    } catch (err) {
      this.onError(err, 'stats');
    }
  }

  /** In-process consumers; called after the sinks, in seq order. Returns the unsubscribe. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  attach(sink: EventSink, since: number | null): Attached {
    const replay = since === null ? [] : this.window.after(since, this.seq);
    this.sinks.add(sink);
    return { seq: this.seq, replay };
  }

  detach(sink: EventSink): void {
    this.sinks.delete(sink);
  }
}
