// The one WebSocket to /api/v1/events (packages/contract/src/events.ts).
//
// Model: every event carries a strictly increasing `seq`; the socket remembers the last one it
// handed on and reconnects with `?since=<seq>`, so the server replays exactly what was missed,
// or answers `resync` when it no longer holds that far back — then the caller refetches. The
// first `hello` of a fresh start also counts as a resync: what changed between the first REST
// answers and the socket opening is unknown. Stats samples are not events and are passed on
// only to whoever asked (none yet). A socket silent for 2.5 heartbeats is presumed dead.
// Reconnects back off 1 s, 2 s, 4 s … 30 s (with jitter), and go at once when the tab
// becomes visible again. The connection state is published in live-status.ts.
import type { EventMessage, StatsMessage } from '@ferry/contract';
import { liveStatus } from './live-status.ts';

export type ResyncReason = 'initial' | 'window' | 'slow' | 'host-reconnected';

export interface EventsSocketOptions {
  onEvent(e: EventMessage): void;
  /** State may have been missed: refetch what is shown. `since` is when the socket was opened. */
  onResync(reason: ResyncReason, since: number): void;
  onStats?(m: StatsMessage): void;
  url?: string;
  /** Tests substitute a fake. */
  createSocket?: (url: string) => WebSocket;
  now?: () => number;
}

const MAX_BACKOFF_MS = 30_000;

export function eventsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/events`;
}

export class EventsSocket {
  private ws: WebSocket | null = null;
  private lastSeq: number | null = null;
  private attempts = 0;
  private stopped = true;
  private openedAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private silenceMs = 40_000;
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible' && !this.ws && !this.stopped) this.connectNow();
  };

  constructor(private readonly opts: EventsSocketOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    document.addEventListener('visibilitychange', this.onVisible);
    this.connectNow();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisible);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
    this.lastSeq = null;
    liveStatus.set('connecting');
  }

  private connectNow(): void {
    this.clearTimers();
    const base = this.opts.url ?? eventsUrl();
    const url = this.lastSeq === null ? base : `${base}?since=${this.lastSeq}`;
    liveStatus.set(this.attempts === 0 ? 'connecting' : 'offline');
    this.openedAt = (this.opts.now ?? Date.now)();
    let ws: WebSocket;
    try {
      ws = (this.opts.createSocket ?? ((u) => new WebSocket(u)))(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (m) => {
      if (this.ws === ws) this.handle(m.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleRetry();
    };
    ws.onerror = () => {
      // A close event always follows.
    };
    this.armWatchdog();
  }

  private scheduleRetry(): void {
    this.clearTimers();
    liveStatus.set('offline');
    if (this.stopped) return;
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts);
    this.attempts++;
    this.retryTimer = setTimeout(() => this.connectNow(), base / 2 + Math.random() * (base / 2));
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      // Silent too long: drop it; onclose schedules the reconnect.
      const ws = this.ws;
      this.ws = null;
      ws?.close();
      this.scheduleRetry();
    }, this.silenceMs);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.retryTimer = null;
    this.watchdog = null;
  }

  private handle(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: { type?: unknown; seq?: unknown; heartbeatS?: unknown; reason?: unknown };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      return;
    }
    this.armWatchdog();
    switch (msg.type) {
      case 'hello': {
        if (typeof msg.heartbeatS === 'number' && msg.heartbeatS > 0) {
          this.silenceMs = msg.heartbeatS * 2500;
          this.armWatchdog();
        }
        const fresh = this.lastSeq === null;
        if (fresh && typeof msg.seq === 'number') this.lastSeq = msg.seq;
        this.attempts = 0;
        liveStatus.set('live');
        if (fresh) this.opts.onResync('initial', this.openedAt);
        return;
      }
      case 'heartbeat':
        return;
      case 'resync':
        if (typeof msg.seq === 'number') this.lastSeq = msg.seq;
        this.opts.onResync((msg.reason as ResyncReason) ?? 'window', this.openedAt);
        return;
      case 'stats':
        this.opts.onStats?.(msg as StatsMessage);
        return;
      default:
        if (typeof msg.seq !== 'number') return;
        if (this.lastSeq !== null && msg.seq <= this.lastSeq) return; // already seen
        this.lastSeq = msg.seq;
        this.opts.onEvent(msg as EventMessage);
    }
  }
}
