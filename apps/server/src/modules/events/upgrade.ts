// The HTTP upgrade of GET /api/v1/events, handled on the Node server's `upgrade` event (Fastify
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
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { API_PREFIX, type ErrorCode } from '@ferry/contract';
import { authenticateUpgrade } from './credentials.ts';
import type { ClientHub } from './client-hub.ts';

export const EVENTS_PATH = `${API_PREFIX}/events`;

export interface UpgradeOptions {
  maxPayloadBytes: number;
  maxSocketsPerUser: number;
}

/** Whether `origin` is the origin the request was sent to. */
export function isOwnOrigin(origin: string, host: string | undefined, secure: boolean): boolean {
  if (!host) return false;
  try {
    // URL drops default ports and lowercases the host on both sides.
    return new URL(origin).origin === new URL(`${secure ? 'https' : 'http'}://${host}`).origin;
  } catch {
    return false; // 'null' (sandboxed frames, file:), or garbage
  }
}

/** `?since=<seq>`: null when absent; undefined when malformed. */
function parseSince(url: URL): number | null | undefined {
  const raw = url.searchParams.get('since');
  if (raw === null) return null;
  if (!/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

function refuse(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  const retry = status === 429 ? 'Retry-After: 10\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n`
    + `Cache-Control: no-store\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
}

export function createUpgradeHandler(app: FastifyInstance, hub: ClientHub, opts: UpgradeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const log = app.log.child({ module: 'events' });

  return function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands over the socket with no error listener; a reset now must not crash the process.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) {
      // Another upgrade handler (if any) owns other paths; alone, answer rather than leave the socket hanging.
      if (app.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'NOT_FOUND', `no WebSocket at ${url.pathname}`);
      return;
    }
    const deny = (status: number, code: ErrorCode, message: string) => {
      log.info({ status, code, remoteAddress: req.socket.remoteAddress }, `event socket refused: ${message}`);
      refuse(socket, status, code, message);
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
