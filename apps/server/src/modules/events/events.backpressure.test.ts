// A client that stops reading must not slow the others, and is told to resync and closed once
// it falls too far behind; what it did receive is a gapless prefix of the stream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { EventSocket, listen } from '../../test-support/event-socket.ts';

const N = 2000;
const PAD = 'x'.repeat(8 << 10); // 2,000 × 8 KiB: far more than the kernel's socket buffers hold
const VM = '33333333-3333-4333-8333-333333333333';

let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;

beforeAll(async () => {
  app = await buildTestApp({}, { events: { highWaterBytes: 64 << 10, maxBacklog: 50 } });
  base = await listen(app);
  admin = await tokenFor(app, 'bp-admin', 'Administrator');
});
afterAll(async () => { await app.close(); });

it('a stalled client neither delays a fast one nor keeps its place: it gets resync{slow} and is closed', async () => {
  const fast = await EventSocket.open(base, { headers: admin });
  const slow = await EventSocket.open(base, { headers: admin });
  await Promise.all([fast, slow].map((s) => s.waitFor((m) => m.type === 'hello')));
  const underlying = (slow.ws as unknown as { _socket: Socket })._socket;
  underlying.pause(); // stops reading: the kernel buffers fill, then the server's

  const publishedAt = new Map<number, number>();
  let first = 0;
  for (let i = 0; i < N; i += 20) {
    for (let j = 0; j < 20; j++) {
      const e = app.events.publish({ type: 'vm.event', vmId: VM, hostId: 'local', kind: 'ioError', detail: { i: i + j, pad: PAD }, at: new Date().toISOString() });
      publishedAt.set(e.seq, performance.now());
      first ||= e.seq;
    }
    await new Promise((r) => setImmediate(r)); // a publisher that yields, as libvirt callbacks do
  }
  await fast.until(() => fast.events.length === N, 10_000, 'the fast client to get everything');

  const delays = fast.messages.map((m, i) => (typeof m.seq === 'number' && m.type === 'vm.event' ? fast.receivedAt[i]! - publishedAt.get(m.seq)! : null))
    .filter((d): d is number => d !== null).sort((a, b) => a - b);
  const p99 = delays[Math.floor(delays.length * 0.99)]!;
  expect(fast.events.map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => first + i));
  expect(p99, `fast client p99 delay ${p99.toFixed(1)} ms`).toBeLessThan(250);

  underlying.resume();
  const closed = await slow.waitClosed(10_000);
  expect(closed.code).toBe(4008);
  const resync = slow.messages.at(-1)!;
  expect(resync).toMatchObject({ type: 'resync', reason: 'slow' });
  const got = slow.events.map((m) => m.seq as number);
  expect(got.length).toBeLessThan(N);
  expect(got).toEqual(Array.from({ length: got.length }, (_, i) => first + i)); // nothing skipped before the resync
  await fast.close();
});
