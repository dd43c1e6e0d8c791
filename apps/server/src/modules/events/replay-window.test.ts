// The replay window with a fake clock: bounded by count and by age, contiguous seqs.
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '@ferry/contract';
import { ReplayWindow } from './replay-window.ts';

function setup(maxEvents = 5, maxAgeMs = 1000) {
  let t = 0;
  const w = new ReplayWindow({ maxEvents, maxAgeMs, now: () => t });
  let seq = 100;
  const push = () => {
    seq++;
    w.push({ event: { type: 'host.state', seq, hostId: 'h', state: 'connected', lastError: null, at: '' } as EventMessage, data: Buffer.from(''), atMs: t });
    return seq;
  };
  return { w, push, tick: (ms: number) => { t += ms; }, last: () => seq };
}
const seqs = (entries: { event: EventMessage }[] | null) => entries?.map((e) => e.event.seq) ?? null;

describe('ReplayWindow', () => {
  it('answers the events after a seq, nothing when up to date', () => {
    const { w, push, last } = setup();
    push(); push(); push();
    expect(seqs(w.after(101, last()))).toEqual([102, 103]);
    expect(seqs(w.after(100, last()))).toEqual([101, 102, 103]);
    expect(w.after(103, last())).toEqual([]);
  });

  it('keeps at most maxEvents: older resumes must resync', () => {
    const { w, push, last } = setup(5);
    for (let i = 0; i < 8; i++) push(); // 101..108; keeps 104..108
    expect(seqs(w.after(103, last()))).toEqual([104, 105, 106, 107, 108]);
    expect(w.after(102, last())).toBeNull();
  });

  it('forgets events older than maxAgeMs, even with nothing new published', () => {
    const { w, push, tick, last } = setup(100, 1000);
    push();
    tick(600);
    push();
    tick(600); // the first is now 1,200 ms old
    expect(w.after(100, last())).toBeNull();
    expect(seqs(w.after(101, last()))).toEqual([102]);
    tick(1000);
    expect(w.after(101, last())).toBeNull();
    expect(w.after(102, last())).toEqual([]); // up to date needs no history
  });

  it('refuses a seq it never issued', () => {
    const { w, push, last } = setup();
    push();
    expect(w.after(last() + 1, last())).toBeNull();
  });

  it('stays correct across compaction', () => {
    const { w, push, last } = setup(10);
    for (let i = 0; i < 5000; i++) push();
    expect(w.size).toBe(10);
    expect(seqs(w.after(last() - 3, last()))).toEqual([last() - 2, last() - 1, last()]);
  });
});
