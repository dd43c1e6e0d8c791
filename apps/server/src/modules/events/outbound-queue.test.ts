// The per-client queue with a fake socket whose buffer the test fills and drains.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboundQueue, type Frame, type Outlet } from './outbound-queue.ts';

class FakeOutlet implements Outlet {
  sent: Frame[] = [];
  bufferedAmount = 0;
  send(data: Frame): void {
    this.sent.push(data);
  }
}

function setup(maxBacklog = 5) {
  const out = new FakeOutlet();
  const onOverflow = vi.fn();
  const q = new OutboundQueue(out, { highWaterBytes: 100, maxBacklog, retryMs: 10, onOverflow });
  return { out, q, onOverflow };
}

afterEach(() => { vi.useRealTimers(); });

describe('OutboundQueue', () => {
  it('writes straight through while the socket keeps up', () => {
    const { out, q } = setup();
    q.event('e1');
    q.latest('stats:h1', 's1');
    q.event('e2');
    expect(out.sent).toEqual(['e1', 's1', 'e2']);
  });

  it('holds events in order above the high-water mark and writes them once the socket drains', () => {
    vi.useFakeTimers();
    const { out, q } = setup();
    out.bufferedAmount = 500;
    q.event('e1');
    q.event('e2');
    expect(out.sent).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(out.sent).toEqual([]); // still congested: nothing dropped, nothing written
    out.bufferedAmount = 0;
    vi.advanceTimersByTime(10);
    expect(out.sent).toEqual(['e1', 'e2']);
    q.event('e3');
    expect(out.sent).toEqual(['e1', 'e2', 'e3']);
  });

  it('keeps only the newest waiting sample per key, and sends events before samples', () => {
    vi.useFakeTimers();
    const { out, q } = setup();
    out.bufferedAmount = 500;
    for (let i = 1; i <= 5; i++) {
      q.latest('stats:h1', `h1-${i}`);
      q.latest('stats:h2', `h2-${i}`);
    }
    q.event('e1');
    q.latest('heartbeat', 'hb');
    out.bufferedAmount = 0;
    vi.advanceTimersByTime(10);
    expect(out.sent).toEqual(['e1', 'h1-5', 'h2-5', 'hb']);
  });

  it('never lets an event overtake one still waiting', () => {
    vi.useFakeTimers();
    const { out, q } = setup();
    out.bufferedAmount = 500;
    q.event('e1');
    out.bufferedAmount = 0; // drained, but the retry has not run yet
    q.event('e2');
    vi.advanceTimersByTime(10);
    expect(out.sent).toEqual(['e1', 'e2']);
  });

  it('ends a client whose waiting events pass the bound, and then writes nothing more', () => {
    vi.useFakeTimers();
    const { out, q, onOverflow } = setup(3);
    out.bufferedAmount = 500;
    for (let i = 0; i < 3; i++) q.event(`e${i}`);
    expect(onOverflow).not.toHaveBeenCalled();
    q.event('e3');
    expect(onOverflow).toHaveBeenCalledOnce();
    out.bufferedAmount = 0;
    q.event('e4');
    vi.advanceTimersByTime(100);
    expect(out.sent).toEqual([]);
  });

  it('takes a replay longer than the bound, but only the bound beyond it', () => {
    vi.useFakeTimers();
    const { out, q, onOverflow } = setup(2);
    out.bufferedAmount = 500;
    q.replay(['r1', 'r2', 'r3', 'r4']);
    q.event('e1');
    q.event('e2');
    expect(onOverflow).not.toHaveBeenCalled();
    q.event('e3');
    expect(onOverflow).toHaveBeenCalledOnce();
  });

  it('writes a replay at once when the socket has room', () => {
    const { out, q } = setup(1);
    q.replay(['r1', 'r2', 'r3']);
    expect(out.sent).toEqual(['r1', 'r2', 'r3']);
  });
});
