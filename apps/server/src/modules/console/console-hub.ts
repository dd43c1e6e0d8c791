// Every open console socket, so they can be counted per user and closed when their reason to
// exist ends:
// - the VM stops: libvirt's lifecycle event (through app.domainEvents, the one subscription per
//   connection) closes its sockets with 4000 'vm-stopped';
// - the user is disabled (at once), or the ticket's session or token ends (checked every
//   recheckMs, as the events sockets do at their heartbeat): 4001 'session-ended';
// - the backend ends by itself (QEMU closed VNC, the serial stream ended): 4000 when the VM is
//   no longer running — the socket may close before the event arrives — else 4002.
// Each session leaves one audit row when it ends: who, VM, kind, start, duration, and the bytes
// each way (in the row's diff: the session's counters went from 0 to their final values).
import type WebSocket from 'ws';
import { CONSOLE_CLOSE, type ConsoleKind } from '@ferry/contract';
import { constants as C } from '@ferry/libvirt';
import type { Db } from '../../db/database.ts';
import { recordAudit } from '../../plugins/audit.ts';
import type { SocketCredentials } from '../events/credentials.ts';
import type { Counters } from './relay.ts';

export interface ConsoleSession {
  ws: WebSocket;
  creds: SocketCredentials;
  vmId: string;
  kind: ConsoleKind;
  sourceIp: string | null;
  startedAt: Date;
  counters: Counters;
  /** Releases the backend (TCP socket or libvirt stream). */
  release(): void;
}

type Close = { code: number; reason: string };
const CLOSE_GRACE_MS = 2_000;

export class ConsoleHub {
  private readonly sessions = new Set<ConsoleSession>();
  /** Sockets being set up (between ticket and 101), counted against the cap too. */
  private readonly pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly db: Db, recheckMs: number) {
    this.timer = setInterval(() => {
      for (const s of [...this.sessions]) if (!s.creds.stillValid()) this.close(s, CONSOLE_CLOSE.sessionEnded);
    }, recheckMs);
    this.timer.unref();
  }

  countFor(userId: string): number {
    let n = this.pending.get(userId) ?? 0;
    for (const s of this.sessions) if (s.creds.principal.userId === userId) n++;
    return n;
  }

  /** Holds a place under the user's cap while the backend is opened; returns its release. */
  reserve(userId: string): () => void {
    this.pending.set(userId, (this.pending.get(userId) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.pending.get(userId) ?? 1) - 1;
      if (n > 0) this.pending.set(userId, n); else this.pending.delete(userId);
    };
  }

  add(s: ConsoleSession): void {
    this.sessions.add(s);
    s.ws.once('close', () => this.end(s));
  }

  close(s: ConsoleSession, how: Close): void {
    if (s.ws.readyState === s.ws.OPEN || s.ws.readyState === s.ws.CONNECTING) {
      // A socket paused for backpressure would never read the peer's close frame: read again,
      // and cut it if the closing handshake does not finish soon (ws's own wait is 30 s).
      s.ws.resume();
      s.ws.close(how.code, how.reason);
      setTimeout(() => s.ws.terminate(), CLOSE_GRACE_MS).unref();
    }
    this.end(s);
  }

  onLifecycle(vmId: string, event: number): void {
    if (event !== C.VIR_DOMAIN_EVENT_STOPPED && event !== C.VIR_DOMAIN_EVENT_CRASHED) return;
    for (const s of [...this.sessions]) if (s.vmId === vmId) this.close(s, CONSOLE_CLOSE.vmStopped);
  }

  closeUser(userId: string): void {
    for (const s of [...this.sessions]) if (s.creds.principal.userId === userId) this.close(s, CONSOLE_CLOSE.sessionEnded);
  }

  closeAll(): void {
    clearInterval(this.timer);
    for (const s of [...this.sessions]) this.close(s, CONSOLE_CLOSE.serverClosing);
  }

  private end(s: ConsoleSession): void {
    if (!this.sessions.delete(s)) return;
    s.release();
    recordAudit(this.db, {
      principal: s.creds.principal, sourceIp: s.sourceIp, method: 'GET', route: `/vms/:vmId/console/${s.kind}`,
      target: `vm:${s.vmId}`, status: 101, result: 'success', at: s.startedAt, durationMs: Date.now() - s.startedAt.getTime(),
      diff: { before: { bytesToVm: 0, bytesFromVm: 0 }, after: { bytesToVm: s.counters.toVm, bytesFromVm: s.counters.fromVm } },
    });
  }
}
