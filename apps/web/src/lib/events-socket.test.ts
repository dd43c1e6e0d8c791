import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMessage } from '@ferry/contract';
import { EventsSocket, eventsUrl } from './events-socket.ts';
import { liveStatus } from './live-status.ts';

class FakeSocket {
  static all: FakeSocket[] = [];
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  close() {
    this.closed = true;
  }
  drop() {
    this.onclose?.();
  }
}

const vmState = (seq: number): EventMessage => ({
  type: 'vm.state', seq, vmId: '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', hostId: 'local', name: 'a', state: 'running', reason: 'booted', at: '2026-01-01T00:00:00.000Z',
});

let socket: EventsSocket;
const events: EventMessage[] = [];
const resyncs: string[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  events.length = 0;
  resyncs.length = 0;
  socket = new EventsSocket({
    url: 'ws://ferry/api/v1/events',
    onEvent: (e) => events.push(e),
    onResync: (reason) => resyncs.push(reason),
    createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
  });
});
afterEach(() => {
  socket.stop();
  vi.useRealTimers();
});

describe('the events socket', () => {
  it('builds its URL from the page\'s origin', () => {
    expect(eventsUrl({ protocol: 'https:', host: 'ferry:8006' })).toBe('wss://ferry:8006/api/v1/events');
    expect(eventsUrl({ protocol: 'http:', host: '127.0.0.1:8006' })).toBe('ws://127.0.0.1:8006/api/v1/events');
  });

  it('is live after hello, which counts as a resync, and hands on each event once', () => {
    socket.start();
    expect(liveStatus.get()).toBe('connecting');
    const ws = FakeSocket.all[0]!;
    ws.send({ type: 'hello', seq: 10, topics: ['*'], heartbeatS: 15 });
    expect(liveStatus.get()).toBe('live');
    expect(resyncs).toEqual(['initial']);
    ws.send(vmState(11));
    ws.send(vmState(11)); // a repeat
    ws.send(vmState(9)); // older than hello
    ws.send({ type: 'stats', hostId: 'local', at: '', intervalS: 2, host: null, vms: [] });
    ws.send({ type: 'heartbeat', at: '' });
    expect(events.map((e) => e.seq)).toEqual([11]);
  });

  it('goes offline when the socket drops, and resumes from the last seq after a backoff', () => {
    socket.start();
    const first = FakeSocket.all[0]!;
    first.send({ type: 'hello', seq: 10, topics: ['*'], heartbeatS: 15 });
    first.send(vmState(12));
    first.drop();
    expect(liveStatus.get()).toBe('offline');
    vi.advanceTimersByTime(1100);
    const second = FakeSocket.all[1]!;
    expect(second.url).toBe('ws://ferry/api/v1/events?since=12');
    second.send({ type: 'hello', seq: 14, topics: ['*'], heartbeatS: 15 });
    second.send(vmState(13));
    expect(liveStatus.get()).toBe('live');
    expect(resyncs).toEqual(['initial']); // a resume is not a resync
    expect(events.map((e) => e.seq)).toEqual([12, 13]);
  });

  it('passes on the server\'s resync and continues from its seq', () => {
    socket.start();
    const ws = FakeSocket.all[0]!;
    ws.send({ type: 'hello', seq: 1, topics: ['*'], heartbeatS: 15 });
    ws.send({ type: 'resync', reason: 'slow', seq: 50 });
    ws.send(vmState(49));
    ws.send(vmState(51));
    expect(resyncs).toEqual(['initial', 'slow']);
    expect(events.map((e) => e.seq)).toEqual([51]);
  });

  it('drops a socket that stays silent for 2.5 heartbeats, and backs off while the server is away', () => {
    socket.start();
    FakeSocket.all[0]!.send({ type: 'hello', seq: 1, topics: ['*'], heartbeatS: 2 });
    vi.advanceTimersByTime(5100);
    expect(FakeSocket.all[0]!.closed).toBe(true);
    expect(liveStatus.get()).toBe('offline');
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop();
    vi.advanceTimersByTime(900); // second attempt waits 1–2 s
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1200);
    expect(FakeSocket.all).toHaveLength(3);
  });
});
