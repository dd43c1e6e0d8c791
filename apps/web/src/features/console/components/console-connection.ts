// One console session's life: ask for a ticket, open the WebSocket on this origin, hand the
// socket to the viewer (noVNC or xterm.js), and report what the user should read. Tickets are
// single use, so every connect — the first and each reconnect — asks for a new one; nothing
// reconnects on its own (a console that silently reattaches could type into the wrong boot).
// A superseded attempt (reconnect pressed while one was under way) is cut off by identity: its
// late ticket, open or close never reaches the status.
import { CONSOLE_CLOSE, type ConsoleKind, type ConsoleTicket } from '@ferry/contract';
import { isApiError } from '../../../lib/api-error.ts';

export type ConsoleStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'disconnected'; reason: string };

/** What the viewer may tell the session: the console is usable, or it failed with a reason. */
export interface ViewerReport {
  connected(): void;
  failed(reason: string): void;
}

/** Attaches a viewer to an open(ing) socket; returns how to detach it. */
export type AttachViewer = (ws: WebSocket, report: ViewerReport) => () => void;

export interface ConsoleConnectionOptions {
  vmId: string;
  kind: ConsoleKind;
  requestTicket(vmId: string, kind: ConsoleKind, signal: AbortSignal): Promise<ConsoleTicket>;
  attach: AttachViewer;
  onStatus(status: ConsoleStatus): void;
  /** Tests substitute a fake. */
  createSocket?: (url: string) => WebSocket;
  location?: Pick<Location, 'protocol' | 'host'>;
}

export function consoleSocketUrl(path: string, loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${path}`;
}

// The server's own close reasons (machine words, see the contract) as a user should read them.
const SERVER_REASONS: Record<string, string> = {
  [CONSOLE_CLOSE.vmStopped.reason]: 'the VM stopped',
  [CONSOLE_CLOSE.sessionEnded.reason]: 'your session ended',
  [CONSOLE_CLOSE.consoleEnded.reason]: 'the VM\'s console went away',
  [CONSOLE_CLOSE.serverClosing.reason]: 'Ferry is shutting down',
};

// RFC 6455 codes a user may meet, for a close that came without the server's own words.
const CLOSE_CODES: Record<number, string> = {
  1000: 'the console was closed',
  1001: 'the server is going away',
  1006: 'the connection was lost',
  1008: 'the server refused the console',
  1009: 'a message was too large',
  1011: 'the server hit an error',
  1013: 'too many consoles are open, try again later',
};

export function closeReason(code: number, reason: string): string {
  const words = reason.trim();
  return SERVER_REASONS[words] ?? (words || CLOSE_CODES[code] || `the connection closed (code ${code})`);
}

interface Attempt {
  abort: AbortController;
  ws: WebSocket | null;
  detach: (() => void) | null;
}

export class ConsoleConnection {
  private attempt: Attempt | null = null;

  constructor(private readonly opts: ConsoleConnectionOptions) {}

  /** Connects, first dropping whatever attempt or session there is. */
  connect(): void {
    this.close();
    const attempt: Attempt = { abort: new AbortController(), ws: null, detach: null };
    this.attempt = attempt;
    this.opts.onStatus({ state: 'connecting' });
    this.opts.requestTicket(this.opts.vmId, this.opts.kind, attempt.abort.signal).then(
      (ticket) => {
        if (this.attempt === attempt) this.open(attempt, ticket);
      },
      (err: unknown) => {
        if (this.attempt !== attempt) return;
        const message = isApiError(err) || err instanceof Error ? err.message : String(err);
        this.end(attempt, `no console ticket: ${message}`);
      },
    );
  }

  /** Drops the session without a status (the component is going away, or reconnecting). */
  close(): void {
    const attempt = this.attempt;
    this.attempt = null;
    if (attempt) this.teardown(attempt);
  }

  private open(attempt: Attempt, ticket: ConsoleTicket): void {
    let ws: WebSocket;
    try {
      ws = (this.opts.createSocket ?? ((u) => new WebSocket(u)))(consoleSocketUrl(ticket.path, this.opts.location));
    } catch (err) {
      this.end(attempt, `the console socket could not be opened: ${(err as Error).message}`);
      return;
    }
    attempt.ws = ws;
    // Listeners, not on* properties: noVNC takes those over once it has the socket.
    ws.addEventListener('close', (e) => {
      if (this.attempt === attempt) this.end(attempt, closeReason(e.code, e.reason));
    });
    attempt.detach = this.opts.attach(ws, {
      connected: () => {
        if (this.attempt === attempt) this.opts.onStatus({ state: 'connected' });
      },
      failed: (reason) => {
        if (this.attempt === attempt) this.end(attempt, reason);
      },
    });
  }

  private end(attempt: Attempt, reason: string): void {
    this.attempt = null;
    this.teardown(attempt);
    this.opts.onStatus({ state: 'disconnected', reason });
  }

  private teardown(attempt: Attempt): void {
    attempt.abort.abort();
    attempt.detach?.();
    const ws = attempt.ws;
    // 0 CONNECTING, 1 OPEN: still ours to close.
    if (ws && ws.readyState <= 1) ws.close(1000, 'closed by the user');
  }
}
