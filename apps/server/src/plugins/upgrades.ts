// The one listener on the Node server's `upgrade` event: WebSocket endpoints (events, consoles)
// register a path test and a handler here, and an upgrade no endpoint claims gets a 404 instead
// of a socket left hanging — which two independent listeners could not promise, as neither
// knows whether the other will answer.
import fp from 'fastify-plugin';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { refuseUpgrade } from '../lib/ws-upgrade.ts';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export interface Upgrades {
  /** Routes upgrades whose path `matches` to `handler` (first registered wins). */
  add(matches: (pathname: string) => boolean, handler: UpgradeHandler): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    upgrades: Upgrades;
  }
}

export default fp(async function upgrades(app: FastifyInstance) {
  const routes: Array<{ matches: (p: string) => boolean; handler: UpgradeHandler }> = [];
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node hands over the socket with no error listener; a reset now must not crash the process.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => r.matches(url.pathname));
    if (!route) return refuseUpgrade(socket, 'NOT_FOUND', `no WebSocket at ${url.pathname}`);
    route.handler(req, socket, head, url);
  };
  app.decorate('upgrades', { add: (matches, handler) => { routes.push({ matches, handler }); } } satisfies Upgrades);
  app.server.on('upgrade', onUpgrade);
  // preClose: before the server waits for its connections, which upgraded sockets no longer count as.
  app.addHook('preClose', async () => { app.server.off('upgrade', onUpgrade); });
}, { name: 'upgrades' });
