// The event stream: `app.events` (the bus) and the /api/v1/events WebSocket.
//
// Model (details in each file under modules/events/):
// - seq: the bus numbers every event — strictly increasing across the server and across its
//   restarts (event-bus.ts). Stats and heartbeats carry none.
// - window: the last `windowEvents` events, at most `windowMs` old, are kept for
//   `?since=<seq>` resumes: a client gets exactly the events after its seq, then the live ones,
//   with nothing lost or repeated at the switch; from before the window, `resync{window}`.
// - visibility: each client gets only what its principal may read, with the REST rules
//   (visibility.ts), narrowed further by its topics (topics.ts).
// - backpressure: each client has its own queue (outbound-queue.ts). Stats and heartbeats are
//   coalesced for a client that cannot keep up; events never are: a client with more than
//   `maxBacklog` waiting is sent `resync{slow}` and closed. Fan-out never waits on a socket.
// - sources: libvirt domain events and host states (host-source.ts), task changes
//   (TaskService.onChange), stats from the metrics sampler (`app.events.publishStats`).
// - sockets: refusals happen before the 101 (upgrade.ts); heartbeats every `heartbeatMs`
//   close dead sockets and those whose token or session has ended; disabling a user closes
//   theirs at once.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { EventBus } from '../modules/events/event-bus.ts';
import { ClientHub } from '../modules/events/client-hub.ts';
import { DomainEventTap, startHostSource } from '../modules/events/host-source.ts';
import { EVENTS_PATH, createUpgradeHandler } from '../modules/events/upgrade.ts';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventBus;
    /** libvirt's raw domain events of every host, for in-process consumers (host-source.ts). */
    domainEvents: DomainEventTap;
  }
}

export interface EventsPluginOptions {
  /** Replay window: how many events, and how old at most (defaults 10,000 and 10 minutes). */
  windowEvents?: number;
  windowMs?: number;
  /** Ping and heartbeat message interval; a socket silent for a whole interval is dropped (15 s). */
  heartbeatMs?: number;
  maxSocketsPerUser?: number;
  /** Largest message a client may send (64 KiB: a subscribe with 256 topics is ~21 KiB). */
  maxPayloadBytes?: number;
  /** A client's socket buffer above which its messages wait in its own queue (1 MiB). */
  highWaterBytes?: number;
  /** Events a client may have waiting before it is told to resync and closed (2,000). */
  maxBacklog?: number;
  /** Tests pin the seq numbering. */
  seqBase?: number;
}

export default fp(async function events(app: FastifyInstance, opts: EventsPluginOptions) {
  const log = app.log.child({ module: 'events' });
  const bus = new EventBus({
    windowEvents: opts.windowEvents, windowMs: opts.windowMs, seqBase: opts.seqBase,
    onError: (err, what) => log.error({ err }, `${what} failed`),
  });
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const hub = new ClientHub(bus, app.authz, {
    highWaterBytes: opts.highWaterBytes ?? 1 << 20,
    maxBacklog: opts.maxBacklog ?? 2_000,
    retryMs: 20,
    heartbeatMs,
    closeGraceMs: 5_000,
  }, log);
  const tap = new DomainEventTap(log);
  app.decorate('events', bus);
  app.decorate('domainEvents', tap);

  const stopHosts = startHostSource({ hosts: app.hosts, bus, tap, log, onHostConnected: () => hub.resyncAll('host-reconnected') });
  const stopTasks = app.tasks.onChange((task) => bus.publish({ type: 'task', task, at: new Date().toISOString() }));
  const stopUsers = app.auth.onUserDisabled((userId) => hub.closeUser(userId));

  const onUpgrade = createUpgradeHandler(app, hub, {
    maxPayloadBytes: opts.maxPayloadBytes ?? 64 << 10,
    maxSocketsPerUser: opts.maxSocketsPerUser ?? 32,
  });
  app.upgrades.add((p) => p === EVENTS_PATH, onUpgrade);

  // preClose: before the server waits for its connections, which upgraded sockets no longer
  // count as; and before the hosts plugin's onClose stops the connections feeding the bus.
  app.addHook('preClose', async () => {
    stopHosts();
    stopTasks();
    stopUsers();
    hub.closeAll();
  });
}, { name: 'events', dependencies: ['auth', 'hosts', 'tasks', 'upgrades'] });
