// The upgrade of /api/v1/vms/:vmId/console/{vnc|serial}?ticket=…, routed here by
// plugins/upgrades.ts. Every refusal is an HTTP response before any 101, in this order:
//   403 a browser Origin that is not Ferry's own (first: a foreign page learns nothing more);
//   401 no valid session cookie or bearer token: a ticket alone does not open a console;
//   403 a ticket that is unknown, used, expired, or bound to another VM, kind, user, session or
//       token — it is consumed by the attempt whatever the outcome, so it is never good twice;
//   429 the user already holds maxSocketsPerUser console sockets;
//   404/409/503 from opening the backend (VM gone, not running, no reachable display, host down).
// The backend is opened BEFORE the 101, so "no console" is an HTTP status a client can show, not
// a socket that opens and dies. Query parameters other than `ticket` (host, port, path, …) are
// never read: where to connect comes from the VM's live XML (vnc-target.ts), and how from the
// host's URI (vnc-transport.ts: directly, or through `ssh -W` for a qemu+ssh:// host). A console
// refused because the ssh tunnel failed is also audited: it is a connection attempt to a host.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import WebSocket, { WebSocketServer } from 'ws';
import { API_PREFIX, CONSOLE_CLOSE, ERROR_STATUS, UUID_PATTERN, type ConsoleKind, type ErrorCode } from '@ferry/contract';
import { isUnsupported, type Stream } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { isOwnOrigin, refuseUpgrade } from '../../lib/ws-upgrade.ts';
import { recordAudit } from '../../plugins/audit.ts';
import { authenticateUpgrade } from '../events/credentials.ts';
import { ByteReader } from './byte-reader.ts';
import type { ConsoleHub, ConsoleSession } from './console-hub.ts';
import { relaySerial, relayVnc, type Counters } from './relay.ts';
import { acceptDownstream } from './rfb-handshake.ts';
import { credentialOf, type TicketStore } from './ticket-store.ts';
import { openVncBackend, TUNNEL_FAILURE, type VncBackend } from './vnc-backend.ts';

const PATH = new RegExp(`^${API_PREFIX}/vms/([^/]+)/console/(vnc|serial)$`);
export const isConsolePath = (p: string): boolean => PATH.test(p);

export interface ConsoleUpgradeOptions {
  maxPayloadBytes: number;
  maxSocketsPerUser: number;
}

type Backend = { kind: 'vnc'; vnc: VncBackend } | { kind: 'serial'; stream: Stream };

export function createConsoleUpgrade(app: FastifyInstance, tickets: TicketStore, hub: ConsoleHub, opts: ConsoleUpgradeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const log = app.log.child({ module: 'console' });

  async function openBackend(vmId: string, kind: ConsoleKind): Promise<Backend> {
    const { host, conn } = await app.hosts.findVm(vmId);
    if (kind === 'vnc') return { kind, vnc: await openVncBackend(conn, vmId, host.record, log) };
    try {
      // force: a console left open elsewhere (another Ferry socket, virsh) is taken over, as
      // virsh console --force does; the one who opened this socket asked for the console now.
      return { kind, stream: await conn.openConsole(vmId, { force: true }) };
    } catch (e) {
      if (isUnsupported(e)) throw new AppError('CONSOLE_UNAVAILABLE', 'this host\'s driver offers no serial console stream');
      throw fromLibvirt(e, 'opening the serial console');
    }
  }

  function releaseBackend(b: Backend): void {
    if (b.kind === 'vnc') b.vnc.stream.destroy();
    else if (!b.stream.isEnded) void b.stream.abort().catch(() => undefined);
  }

  /** The VM no longer runs: its console ended because it stopped. */
  async function vmStopped(vmId: string): Promise<boolean> {
    try {
      const { conn } = await app.hosts.findVm(vmId);
      return !(await conn.domain(vmId).isActive());
    } catch {
      return true; // gone
    }
  }

  function start(ws: WebSocket, backend: Backend, session: ConsoleSession): void {
    const backendEnded = () => {
      void vmStopped(session.vmId).then((stopped) => hub.close(session, stopped ? CONSOLE_CLOSE.vmStopped : CONSOLE_CLOSE.consoleEnded));
    };
    if (backend.kind === 'serial') {
      backend.stream.on('end', backendEnded).on('error', backendEnded);
      relaySerial(ws, backend.stream, session.counters, () => hub.close(session, { code: 1008, reason: 'not reading' }));
      return;
    }
    const { stream, leftover } = backend.vnc;
    stream.on('close', backendEnded).on('error', () => stream.destroy());
    // The browser's half of the handshake arrives as WebSocket messages.
    const reader = new ByteReader();
    const onHandshake = (data: Buffer) => reader.push(data);
    ws.on('message', onHandshake);
    ws.once('close', () => reader.fail(new Error('closed')));
    acceptDownstream(reader, (b) => ws.send(b, { binary: true })).then(() => {
      ws.off('message', onHandshake);
      relayVnc(ws, stream, session.counters, { toVm: reader.rest(), fromVm: leftover });
    }, () => hub.close(session, { code: 1002, reason: 'rfb-handshake-failed' }));
  }

  return function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const [, vmId = '', kindRaw] = PATH.exec(url.pathname) ?? [];
    const kind = kindRaw as ConsoleKind;
    // Never log the URL: it carries the ticket.
    const deny = (code: ErrorCode, message: string) => {
      log.info({ status: ERROR_STATUS[code], code, vmId, kind, remoteAddress: req.socket.remoteAddress }, `console socket refused: ${message}`);
      refuseUpgrade(socket, code, message);
    };
    const origin = req.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, req.headers.host, Boolean((req.socket as TLSSocket).encrypted))) {
      return deny('FORBIDDEN', 'cross-origin WebSocket refused');
    }
    const creds = authenticateUpgrade(app, req);
    if (!creds) return deny('UNAUTHENTICATED', 'authentication required');
    const ticket = url.searchParams.get('ticket');
    const bound = ticket ? tickets.take(ticket) : null;
    const p = creds.principal;
    if (!bound || !UUID_PATTERN.test(vmId) || bound.vmId !== vmId || bound.kind !== kind || bound.userId !== p.userId || bound.credential !== credentialOf(p)) {
      return deny('FORBIDDEN', 'invalid or expired console ticket');
    }
    if (hub.countFor(p.userId) >= opts.maxSocketsPerUser) return deny('RATE_LIMITED', `at most ${opts.maxSocketsPerUser} console sockets per user`);
    const unreserve = hub.reserve(p.userId);
    openBackend(vmId, kind).then((backend) => {
      unreserve();
      if (socket.destroyed) return releaseBackend(backend);
      // ws drops a malformed handshake without calling back: the backend must not outlive it.
      let started = false;
      socket.once('close', () => { if (!started) releaseBackend(backend); });
      wss.handleUpgrade(req, socket, head, (ws) => {
        started = true;
        // ws closes the socket itself on a protocol error (1009 for an oversized frame, 1002…).
        ws.on('error', (err) => log.debug({ err: err.message, vmId, kind }, 'console socket error'));
        const session: ConsoleSession = {
          ws, creds, vmId, kind, sourceIp: req.socket.remoteAddress ?? null, startedAt: new Date(),
          counters: { toVm: 0, fromVm: 0 } satisfies Counters, release: () => releaseBackend(backend),
        };
        hub.add(session);
        log.info({ userId: p.userId, vmId, kind }, 'console socket open');
        start(ws, backend, session);
      });
    }, (e: unknown) => {
      unreserve();
      const err = e instanceof AppError ? e : fromLibvirt(e, 'opening the console');
      if (err.code === 'INTERNAL') log.error({ err: e, vmId, kind }, 'opening a console failed');
      if (err.details === TUNNEL_FAILURE) {
        recordAudit(app.db, {
          principal: p, sourceIp: req.socket.remoteAddress ?? null, method: 'GET', route: `/vms/:vmId/console/${kind}`,
          target: `vm:${vmId}`, status: ERROR_STATUS[err.code], result: 'error', errorCode: err.code,
        });
      }
      deny(err.code, err.message);
    });
  };
}
