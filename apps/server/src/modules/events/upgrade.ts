// The HTTP upgrade of GET /api/v1/events, routed here by plugins/upgrades.ts (Fastify
// routes no upgrades). Every refusal is an ordinary HTTP response in Ferry's error shape,
// written before any 101 (API.md), in this order:
//   403 a browser's Origin that is not Ferry's own (same scheme, host and port as the request)
//       — first, so a foreign page cannot even learn whether its visitor's cookie is valid;
//   401 no valid bearer token or session cookie (credentials.ts);
//   400 a `since` that is not a seq;
//   429 the user already holds maxSocketsPerUser event sockets.
// Everything is decided synchronously, so the handshake holds nothing while it waits; slow
// request headers are bounded by the HTTP server's own headersTimeout (and a TLS handshake by
// the TLS server's handshakeTimeout), as for any request.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { API_PREFIX, type ErrorCode } from '@ferry/contract';
import { isOwnOrigin, refuseUpgrade } from '../../lib/ws-upgrade.ts';
import { authenticateUpgrade } from './credentials.ts';
import type { ClientHub } from './client-hub.ts';

export const EVENTS_PATH = `${API_PREFIX}/events`;

export interface UpgradeOptions {
  maxPayloadBytes: number;
  maxSocketsPerUser: number;
}

/** `?since=<seq>`: null when absent; undefined when malformed. */
function parseSince(url: URL): number | null | undefined {
  const raw = url.searchParams.get('since');
  if (raw === null) return null;
  if (!/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function createUpgradeHandler(app: FastifyInstance, hub: ClientHub, opts: UpgradeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const log = app.log.child({ module: 'events' });

  // Routed here by the upgrades plugin for EVENTS_PATH only.
  return function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const deny = (status: number, code: ErrorCode, message: string) => {
      log.info({ status, code, remoteAddress: req.socket.remoteAddress }, `event socket refused: ${message}`);
      refuseUpgrade(socket, code, message, status);
    };
    const origin = req.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, req.headers.host, Boolean((req.socket as TLSSocket).encrypted))) {
      return deny(403, 'FORBIDDEN', 'cross-origin WebSocket refused');
    }
    const creds = authenticateUpgrade(app, req);
    if (!creds) return deny(401, 'UNAUTHENTICATED', 'authentication required');
    const since = parseSince(url);
    if (since === undefined) return deny(400, 'BAD_REQUEST', 'since must be a seq (a non-negative integer)');
    if (hub.countFor(creds.principal.userId) >= opts.maxSocketsPerUser) {
      return deny(429, 'RATE_LIMITED', `at most ${opts.maxSocketsPerUser} event sockets per user`);
    }
    // ws answers malformed handshakes (method, version, key) with 400 itself.
    wss.handleUpgrade(req, socket, head, (ws) => {
      log.debug({ userId: creds.principal.userId, since }, 'event socket open');
      hub.accept(ws, creds, since);
    });
  };
}
