// The connected event sockets, by user: the per-user cap counts here, a disabled user's
// sockets are found here, and one timer drives every socket's heartbeat (instead of a timer
// per socket).
import type { WebSocket } from 'ws';
import type { FastifyBaseLogger } from 'fastify';
import type { Authz } from '../acl/authz.ts';
import type { EventBus } from './event-bus.ts';
import type { SocketCredentials } from './credentials.ts';
import { CLOSE, EventClient, type ClientOptions, type ResyncReason } from './event-client.ts';
import { Viewer } from './visibility.ts';

export class ClientHub {
  private readonly byUser = new Map<string, Set<EventClient>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly authz: Authz,
    private readonly opts: ClientOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  accept(ws: WebSocket, creds: SocketCredentials, since: number | null): EventClient {
    const client = new EventClient(ws, creds, new Viewer(this.authz, creds.principal), this.bus, this.opts, this.log, (c) => this.remove(c));
    let set = this.byUser.get(client.userId);
    if (!set) this.byUser.set(client.userId, set = new Set());
    set.add(client);
    client.start(since);
    this.startHeartbeat();
    return client;
  }

  /** Closes every socket of a user (disabled or deleted). */
  closeUser(userId: string): void {
    for (const client of [...this.byUser.get(userId) ?? []]) client.close(CLOSE.credentials, 'user disabled');
  }

  /** Every client refetches (e.g. a host reconnected: what happened meanwhile is unknown). */
  resyncAll(reason: ResyncReason): void {
    for (const set of this.byUser.values()) for (const client of set) client.resync(reason);
  }

  closeAll(): void {
    this.stopHeartbeat();
    for (const set of [...this.byUser.values()]) for (const client of [...set]) client.close(CLOSE.goingAway, 'server shutting down');
  }

  private remove(client: EventClient): void {
    const set = this.byUser.get(client.userId);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) this.byUser.delete(client.userId);
    if (this.byUser.size === 0) this.stopHeartbeat();
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const set of [...this.byUser.values()]) for (const client of [...set]) client.heartbeat();
    }, this.opts.heartbeatMs);
    this.timer.unref();
  }

  private stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
