// One connected /api/v1/events socket: what it asked for (topics.ts), what it may see
// (visibility.ts), and its own outbound queue (outbound-queue.ts), so nothing it does — or
// fails to do — reaches another client.
//
// Life: `start()` attaches to the bus and sends `hello`, then the replay (or a resync), then
// live messages. A `subscribe` message replaces the topics. The hub calls `heartbeat()`
// periodically: a socket that did not answer the previous ping is dead and terminated; one
// whose token or session no longer stands is closed; otherwise it gets a ping and a
// heartbeat message. Close codes: 4001 credentials gone, 4008 too slow (after resync), 1008 a
// malformed client message, 1003 a binary one, 1001 server shutting down.
import type { WebSocket, RawData } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import { ClientMessageSchema, type StatsMessage } from '@ferry/contract';
import type { EventBus, EventSink } from './event-bus.ts';
import type { WindowEntry } from './replay-window.ts';
import type { SocketCredentials } from './credentials.ts';
import { OutboundQueue, type Frame } from './outbound-queue.ts';
import { ALL_TOPICS, TopicFilter } from './topics.ts';
import type { Viewer } from './visibility.ts';

export interface ClientOptions {
  highWaterBytes: number;
  maxBacklog: number;
  retryMs: number;
  heartbeatMs: number;
  /** How long a socket being closed may take to say goodbye before it is cut. */
  closeGraceMs: number;
}

export type ResyncReason = 'window' | 'slow' | 'host-reconnected';

export const CLOSE = { credentials: 4001, slow: 4008, badMessage: 1008, binary: 1003, goingAway: 1001 } as const;

export class EventClient implements EventSink {
  private topics = new TopicFilter(ALL_TOPICS);
  private readonly queue: OutboundQueue;
  private answeredPing = true;
  private closing = false;

  constructor(
    private readonly ws: WebSocket,
    readonly creds: SocketCredentials,
    private readonly viewer: Viewer,
    private readonly bus: EventBus,
    private readonly opts: ClientOptions,
    private readonly log: FastifyBaseLogger,
    private readonly onGone: (client: EventClient) => void,
  ) {
    // Shared frames are Buffers (encoded once per event, not once per client): sent as text.
    const outlet = { send: (data: Frame) => ws.send(data, { binary: false }), get bufferedAmount() { return ws.bufferedAmount; } };
    this.queue = new OutboundQueue(outlet, { ...opts, onOverflow: () => this.tooSlow() });
  }

  get userId(): string {
    return this.creds.principal.userId;
  }

  start(since: number | null): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('pong', () => { this.answeredPing = true; });
    this.ws.on('error', (err) => this.log.debug({ err }, 'event socket error'));
    this.ws.on('close', () => this.gone());
    // attach() and the replay happen in this one synchronous step: no event can slip between.
    const { seq, replay } = this.bus.attach(this, since);
    this.queue.event(JSON.stringify({ type: 'hello', seq, topics: this.topics.topics, heartbeatS: this.opts.heartbeatMs / 1000 }));
    if (replay === null) this.resync('window', seq);
    else this.queue.replay(replay.filter((r) => this.shows(r)).map((r) => r.data));
  }

  event(entry: WindowEntry): void {
    if (this.shows(entry)) this.queue.event(entry.data);
  }

  stats(msg: StatsMessage, data: Buffer): void {
    const view = this.viewer.statsView(msg, this.topics.statsFor(msg.hostId));
    if (view) this.queue.latest(`stats:${msg.hostId}`, view === msg ? data : JSON.stringify(view));
  }

  /** Tells the client to refetch; in order with its events (never dropped). */
  resync(reason: ResyncReason, seq = this.bus.lastSeq): void {
    this.queue.event(JSON.stringify({ type: 'resync', reason, seq }));
  }

  heartbeat(): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    if (!this.answeredPing) {
      this.log.debug({ userId: this.userId }, 'event socket missed a heartbeat: terminating');
      this.ws.terminate();
      return;
    }
    if (!this.creds.stillValid()) {
      this.close(CLOSE.credentials, 'credentials no longer valid');
      return;
    }
    this.answeredPing = false;
    this.ws.ping();
    this.queue.latest('heartbeat', JSON.stringify({ type: 'heartbeat', at: new Date().toISOString() }));
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.close();
    this.bus.detach(this);
    this.ws.close(code, reason);
    // A peer that does not read cannot complete the close handshake; do not wait for it long.
    setTimeout(() => this.ws.terminate(), this.opts.closeGraceMs).unref();
  }

  private shows(entry: WindowEntry): boolean {
    return this.topics.wants(entry.event) && this.viewer.canSee(entry.event);
  }

  private tooSlow(): void {
    this.log.info({ userId: this.userId, bufferedBytes: this.ws.bufferedAmount }, 'event client fell too far behind: resync and close');
    // Past the queue (which has just been dropped): the last thing this client hears.
    this.ws.send(JSON.stringify({ type: 'resync', reason: 'slow', seq: this.bus.lastSeq }));
    this.close(CLOSE.slow, 'too slow: resync');
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.close(CLOSE.binary, 'text messages only');
    let parsed;
    try {
      parsed = ClientMessageSchema.safeParse(JSON.parse(String(data)));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) return this.close(CLOSE.badMessage, 'expected {"type":"subscribe","topics":[...]}');
    this.topics = new TopicFilter([...new Set(parsed.data.topics)]);
  }

  private gone(): void {
    this.closing = true;
    this.queue.close();
    this.bus.detach(this);
    this.onGone(this);
  }
}
