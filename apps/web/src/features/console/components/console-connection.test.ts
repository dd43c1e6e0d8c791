import { beforeEach, describe, expect, it } from 'vitest';
import { CONSOLE_CLOSE, type ConsoleKind, type ConsoleTicket } from '@ferry/contract';
import { ApiError } from '../../../lib/api-error.ts';
import { closeReason, ConsoleConnection, consoleSocketUrl, type ConsoleStatus, type ViewerReport } from './console-connection.ts';

class FakeSocket extends EventTarget {
  readyState = 0;
  closedWith: [number, string] | null = null;
  constructor(readonly url: string) {
    super();
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  serverClose(code: number, reason: string) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const ticketFor = (n: number): ConsoleTicket => ({ ticket: `t${n}`, path: `/api/v1/vms/${VM}/console/vnc?ticket=t${n}`, expiresAt: '' });

let sockets: FakeSocket[];
let statuses: ConsoleStatus[];
let reports: ViewerReport[];
let detached: number;
let tickets: Array<{ kind: ConsoleKind; resolve: (t: ConsoleTicket) => void; reject: (e: unknown) => void; signal: AbortSignal }>;
let conn: ConsoleConnection;

const flush = () => new Promise((r) => setTimeout(r, 0));
const last = () => statuses[statuses.length - 1];

beforeEach(() => {
  sockets = [];
  statuses = [];
  reports = [];
  detached = 0;
  tickets = [];
  conn = new ConsoleConnection({
    vmId: VM,
    kind: 'vnc',
    requestTicket: (_vm, kind, signal) => new Promise((resolve, reject) => tickets.push({ kind, resolve, reject, signal })),
    attach: (_ws, report) => {
      reports.push(report);
      return () => { detached++; };
    },
    onStatus: (s) => statuses.push(s),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s as unknown as WebSocket;
    },
    location: { protocol: 'https:', host: 'ferry.example:8006' },
  });
});

describe('a console connection', () => {
  it('asks for a ticket, opens its path on this origin, and is connected when the viewer says so', async () => {
    conn.connect();
    expect(last()).toEqual({ state: 'connecting' });
    expect(tickets.map((t) => t.kind)).toEqual(['vnc']);
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    expect(sockets.map((s) => s.url)).toEqual([`wss://ferry.example:8006/api/v1/vms/${VM}/console/vnc?ticket=t1`]);
    expect(last()).toEqual({ state: 'connecting' });
    reports[0]!.connected();
    expect(last()).toEqual({ state: 'connected' });
  });

  it('shows the server\'s close reason, and a plain one for a close without words', async () => {
    conn.connect();
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    reports[0]!.connected();
    sockets[0]!.serverClose(CONSOLE_CLOSE.vmStopped.code, CONSOLE_CLOSE.vmStopped.reason);
    expect(last()).toEqual({ state: 'disconnected', reason: 'the VM stopped' });
    expect(closeReason(1002, 'rfb-handshake-failed')).toBe('rfb-handshake-failed');
    expect(detached).toBe(1);
    expect(closeReason(1006, '')).toBe('the connection was lost');
    expect(closeReason(4321, ' ')).toBe('the connection closed (code 4321)');
  });

  it('asks for a new ticket on every reconnect (tickets are single use) and closes the old socket', async () => {
    conn.connect();
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    reports[0]!.connected();
    conn.connect();
    expect(sockets[0]!.closedWith).toEqual([1000, 'closed by the user']);
    expect(detached).toBe(1);
    expect(tickets).toHaveLength(2);
    tickets[1]!.resolve(ticketFor(2));
    await flush();
    expect(sockets[1]!.url).toMatch(/ticket=t2$/);
    // The old session's late close changes nothing: the status is the new one's.
    sockets[0]!.serverClose(1000, 'late');
    reports[0]!.connected();
    expect(last()).toEqual({ state: 'connecting' });
  });

  it('drops a ticket that arrives after a reconnect superseded its request', async () => {
    conn.connect();
    conn.connect();
    expect(tickets[0]!.signal.aborted).toBe(true);
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    expect(sockets).toHaveLength(0);
  });

  it('shows why no ticket came', async () => {
    conn.connect();
    tickets[0]!.reject(new ApiError('FORBIDDEN', 'you may not open this console', 403));
    await flush();
    expect(last()).toEqual({ state: 'disconnected', reason: 'no console ticket: you may not open this console' });
    expect(sockets).toHaveLength(0);
  });

  it('ends with the viewer\'s reason when the viewer fails', async () => {
    conn.connect();
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    reports[0]!.failed('VNC security failure: no shared type');
    expect(last()).toEqual({ state: 'disconnected', reason: 'VNC security failure: no shared type' });
    expect(sockets[0]!.closedWith?.[0]).toBe(1000);
  });

  it('closes quietly on unmount', async () => {
    conn.connect();
    tickets[0]!.resolve(ticketFor(1));
    await flush();
    const before = statuses.length;
    conn.close();
    sockets[0]!.serverClose(1000, '');
    expect(statuses).toHaveLength(before);
    expect(detached).toBe(1);
  });

  it('uses ws: on a plain-HTTP page', () => {
    expect(consoleSocketUrl('/x?ticket=a', { protocol: 'http:', host: '127.0.0.1:8006' })).toBe('ws://127.0.0.1:8006/x?ticket=a');
  });
});
