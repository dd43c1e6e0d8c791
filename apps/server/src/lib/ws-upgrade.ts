// What every WebSocket endpoint of Ferry (events, consoles) shares before the 101: whether a
// browser's Origin is Ferry's own, and how to refuse an upgrade with an ordinary HTTP response
// in Ferry's error shape on the raw socket (Fastify routes no upgrades).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from '@ferry/contract';

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

/** Answers the upgrade request with `code`'s status and closes the socket. */
export function refuseUpgrade(socket: Duplex, code: ErrorCode, message: string, status: number = ERROR_STATUS[code]): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  const retry = status === 429 ? 'Retry-After: 10\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n`
    + `Cache-Control: no-store\r\n${retry}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
}
