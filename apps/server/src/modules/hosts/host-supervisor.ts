// One host's libvirt connection, kept alive.
//
//   connecting ──open ok──▶ connected ──close callback / keepalive──▶ disconnected
//        ▲                                                                │
//        └──────────────── retry after capped exponential backoff ◀───────┘
//
// The binding reports a dead connection through libvirt's close callback (EOF, keepalive
// timeout); every call pending on it fails at once. The supervisor then reconnects with
// backoff (200 ms doubling to a 2 s cap, so a restarted daemon is back within seconds) and
// tells listeners, which re-register events and resync. Mutations on a host that is not
// connected get HYPERVISOR_UNAVAILABLE; reads say their data is stale.
import type { Connection, Libvirt } from '@ferry/libvirt';
import type { HostState } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';

export interface HostRecord {
  id: string;
  name: string;
  uri: string;
  migrationUri: string | null;
}

export interface HostFacts {
  hostname: string | null;
  libvirtVersion: string | null;
  hypervisorVersion: string | null;
}

export interface SupervisorListeners {
  onConnected?(host: HostSupervisor, conn: Connection): void | Promise<void>;
  onStateChange?(host: HostSupervisor): void;
}

export interface BackoffOptions { initialMs: number; maxMs: number }
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 2000 };

export class HostSupervisor {
  state: HostState = 'connecting';
  stateSince = new Date();
  lastError: string | null = null;
  facts: HostFacts = { hostname: null, libvirtVersion: null, hypervisorVersion: null };
  private conn: Connection | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly connectedWaiters = new Set<() => void>();

  constructor(
    public record: HostRecord,
    private readonly libvirt: Libvirt,
    private readonly listeners: SupervisorListeners = {},
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  get id(): string {
    return this.record.id;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const conn = this.conn;
    this.conn = null;
    await conn?.close();
  }

  /** Reconnects with a new record (e.g. a changed URI). */
  async reconfigure(record: HostRecord): Promise<void> {
    await this.stop();
    this.record = record;
    this.attempt = 0;
    this.setState('connecting', null);
    this.start();
  }

  /** The live connection for an operation that changes something; refuses when not connected. */
  requireConnection(): Connection {
    if (this.state !== 'connected' || !this.conn?.isOpen) {
      throw new AppError('HYPERVISOR_UNAVAILABLE', `host ${this.record.id} is ${this.state === 'connected' ? 'reconnecting' : this.state}`, { hostId: this.record.id, state: this.state });
    }
    return this.conn;
  }

  /** The connection if there is one, for reads that can fall back to "stale". */
  currentConnection(): Connection | null {
    return this.state === 'connected' && this.conn?.isOpen ? this.conn : null;
  }

  /** Resolves when connected (or at once if already), rejects after `ms`. */
  waitConnected(ms: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => { clearTimeout(t); this.connectedWaiters.delete(done); resolve(); };
      const t = setTimeout(() => { this.connectedWaiters.delete(done); reject(new Error(`host ${this.id} not connected after ${ms} ms`)); }, ms);
      this.connectedWaiters.add(done);
    });
  }

  /**
   * A second connection to this host, for one call that runs for minutes (a migration); the
   * caller closes it. libvirt's client serves all calls of a connection over one socket, and
   * while one call waits for its reply the others on it stalled for up to the keepalive
   * interval (5 s measured: job-stats polls of a migration in the lab).
   */
  async openDedicated(): Promise<Connection> {
    return this.libvirt.open(this.record.uri);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.timer = null;
    let conn: Connection;
    try {
      conn = await this.libvirt.open(this.record.uri);
    } catch (e) {
      this.attempt++;
      this.setState(this.attempt === 1 && this.state === 'connecting' ? 'connecting' : 'disconnected', (e as Error).message);
      return this.scheduleReconnect();
    }
    if (this.stopped) {
      await conn.close();
      return;
    }
    this.conn = conn;
    this.attempt = 0;
    conn.onClose((reason) => {
      if (this.conn !== conn) return;
      this.conn = null;
      this.setState('disconnected', `libvirt closed the connection (${reason})`);
      void conn.close();
      this.scheduleReconnect();
    });
    const [hostname, libvirtVersion, hypervisorVersion] = await Promise.all([
      conn.getHostname().catch(() => null), conn.getLibVersion().catch(() => null), conn.getHypervisorVersion().catch(() => null),
    ]);
    this.facts = { hostname, libvirtVersion, hypervisorVersion };
    try {
      await this.listeners.onConnected?.(this, conn);
    } catch (e) {
      // A listener failing to re-register must not leave a half-ready host marked connected.
      this.conn = null;
      await conn.close();
      this.setState('disconnected', `after connecting: ${(e as Error).message}`);
      return this.scheduleReconnect();
    }
    this.setState('connected', null);
    for (const w of [...this.connectedWaiters]) w();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.attempt, 10));
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  private setState(state: HostState, error: string | null): void {
    const changed = state !== this.state || error !== this.lastError;
    if (state !== this.state) this.stateSince = new Date();
    this.state = state;
    this.lastError = error;
    if (changed) this.listeners.onStateChange?.(this);
  }
}
