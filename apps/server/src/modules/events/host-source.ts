// Events from the hosts: their connection state, and every libvirt domain event of every
// host, whoever caused it (Ferry, virsh, the guest itself).
//
// Subscriptions belong to a connection and die with it, so they are made again on every
// (re)connection — in the registry's onConnected, which runs before the host is reported
// connected, so no event of the new connection is missed. A host that connected before this
// source started is subscribed at once; one caught between its onConnected and its state
// change is subscribed when it reports connected. A failure to subscribe to lifecycle events
// fails the connection (the supervisor retries); the other kinds are extras, logged and skipped
// (a driver may not offer them).
//
// Whenever a host becomes connected — first connection or reconnection — what happened while
// it was unreachable is unknown: host.state 'connected' is published (a resuming client sees it
// in its replay) and every connected client is told to resync ('host-reconnected'), after the
// subscriptions are in place, so a refetch cannot miss a change made meanwhile.
import { DOMAIN_EVENT_IDS, type Connection, type DomainEvent, type DomainEventKind } from '@ferry/libvirt';
import type { FastifyBaseLogger } from 'fastify';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';
import type { EventBus } from './event-bus.ts';
import { toEventInput } from './domain-events.ts';

export type DomainEventListener = (hostId: string, conn: Connection, e: DomainEvent) => void;

/**
 * libvirt's raw domain events for in-process consumers (the VM catalog), before they become
 * stream events. They cannot subscribe on their own: the binding registers one native callback
 * per event kind, and libvirt refuses a second registration of the same callback for the same
 * kind on a connection ("event callback already tracked") — this source holds that one.
 */
export class DomainEventTap {
  private readonly listeners = new Set<DomainEventListener>();
  constructor(private readonly log: FastifyBaseLogger) {}

  on(listener: DomainEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  emit(hostId: string, conn: Connection, e: DomainEvent): void {
    for (const l of this.listeners) {
      try {
        l(hostId, conn, e);
      } catch (err) {
        this.log.error({ err, hostId }, 'a domain event listener failed');
      }
    }
  }
}

export interface HostSourceDeps {
  hosts: HostRegistry;
  bus: EventBus;
  tap: DomainEventTap;
  log: FastifyBaseLogger;
  /** A host became connected: clients must refetch. */
  onHostConnected(host: HostSupervisor): void;
}

const KINDS = Object.keys(DOMAIN_EVENT_IDS) as DomainEventKind[];

// Registering runs on the event-loop Worker with no deadline of its own; a daemon that hangs
// there must fail this connection attempt (the supervisor retries), not wedge the host forever
// in `connecting` with its onConnected never returning.
const SUBSCRIBE_DEADLINE_MS = 15_000;

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** Starts the source; returns the function that stops listening (subscriptions end with their connections). */
export function startHostSource(deps: HostSourceDeps): () => void {
  const { hosts, bus, tap, log } = deps;
  const subscribed = new WeakMap<Connection, Promise<void>>();

  function subscribeAll(host: HostSupervisor, conn: Connection): Promise<void> {
    let done = subscribed.get(conn);
    if (!done) {
      done = Promise.all(KINDS.map(async (kind) => {
        try {
          // The handler calls bus.publish through the object (not a captured function), so a
          // benchmark can time the publish from the moment the Worker delivered the event.
          await withDeadline(conn.subscribe(kind, (e) => {
            tap.emit(host.id, conn, e); // first: caches are dropped before clients hear and refetch
            const input = toEventInput(host.id, e, new Date().toISOString());
            if (input) bus.publish(input);
          }), SUBSCRIBE_DEADLINE_MS, `subscribing to ${kind} events`);
        } catch (err) {
          if (kind === 'lifecycle') throw err;
          log.warn({ err, hostId: host.id, kind }, 'cannot subscribe to this kind of domain event; continuing without it');
        }
      })).then(() => undefined);
      subscribed.set(conn, done);
    }
    return done;
  }

  function onState(host: HostSupervisor): void {
    const removed = !hosts.list().includes(host);
    bus.publish({
      type: 'host.state', hostId: host.id, state: removed ? 'disconnected' : host.state,
      lastError: removed ? 'removed from Ferry' : host.lastError, ...(removed ? { removed: true } : {}), at: new Date().toISOString(),
    });
    const conn = removed ? null : host.currentConnection();
    if (!conn) return;
    subscribeAll(host, conn).then(() => deps.onHostConnected(host), (err) => log.error({ err, hostId: host.id }, 'subscribing to domain events failed'));
  }

  const offConnected = hosts.onConnected((host, conn) => subscribeAll(host, conn));
  const offState = hosts.onStateChange(onState);
  for (const host of hosts.list()) {
    const conn = host.currentConnection();
    if (conn) subscribeAll(host, conn).catch((err) => log.error({ err, hostId: host.id }, 'subscribing to domain events failed'));
  }
  return () => { offConnected(); offState(); };
}
