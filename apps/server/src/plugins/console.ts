// Consoles: tickets (modules/console/ticket-store.ts), the WebSocket proxy for VNC and serial
// (console-upgrade.ts), and the sessions it keeps open (console-hub.ts).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_TICKET_TTL_S } from '@ferry/contract';
import { TicketStore } from '../modules/console/ticket-store.ts';
import { ConsoleHub } from '../modules/console/console-hub.ts';
import { createConsoleUpgrade, isConsolePath } from '../modules/console/console-upgrade.ts';

declare module 'fastify' {
  interface FastifyInstance {
    consoleTickets: TicketStore;
  }
}

export interface ConsolePluginOptions {
  /** Console sockets one user may hold at once (8). */
  maxSocketsPerUser?: number;
  /** Largest message a browser may send (256 KiB: RFB client messages are tiny; a paste is text). */
  maxPayloadBytes?: number;
  /** How often open consoles re-check their session or token (5 s). */
  recheckMs?: number;
  /** Tests move the ticket clock. */
  now?: () => number;
}

export default fp(async function consoles(app: FastifyInstance, opts: ConsolePluginOptions) {
  const tickets = new TicketStore(CONSOLE_TICKET_TTL_S * 1000, opts.now);
  const hub = new ConsoleHub(app.db, opts.recheckMs ?? 5_000);
  app.decorate('consoleTickets', tickets);
  app.upgrades.add(isConsolePath, createConsoleUpgrade(app, tickets, hub, {
    maxPayloadBytes: opts.maxPayloadBytes ?? 256 << 10,
    maxSocketsPerUser: opts.maxSocketsPerUser ?? 8,
  }));
  const offEvents = app.domainEvents.on((_hostId, _conn, e) => { if (e.kind === 'lifecycle') hub.onLifecycle(e.domain.uuid, e.event); });
  const offUsers = app.auth.onUserDisabled((userId) => hub.closeUser(userId));
  app.addHook('preClose', async () => {
    offEvents();
    offUsers();
    hub.closeAll();
  });
}, { name: 'console', dependencies: ['auth', 'hosts', 'events', 'upgrades', 'audit'] });
