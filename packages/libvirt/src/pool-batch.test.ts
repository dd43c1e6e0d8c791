// A long call ends its batch, so nothing queued behind it waits in the same Worker.
import { describe, expect, it } from 'vitest';
import { takeBatch } from './pool-batch.ts';

const LONG = new Set([3, 7]);
const isLong = (i: number) => LONG.has(i);

describe('takeBatch', () => {
  it('takes up to max calls from the head when none is long', () => {
    const queue = [0, 1, 2];
    expect(takeBatch(queue, 2, isLong)).toEqual([0, 1]);
    expect(queue).toEqual([2]);
  });

  it('ends the batch right after a long call; the calls behind it stay queued', () => {
    const queue = [1, 2, 3, 4, 5];
    expect(takeBatch(queue, 32, isLong)).toEqual([1, 2, 3]);
    expect(queue).toEqual([4, 5]);
  });

  it('sends a long call at the head alone', () => {
    const queue = [7, 8, 9];
    expect(takeBatch(queue, 32, isLong)).toEqual([7]);
    expect(takeBatch(queue, 32, isLong)).toEqual([8, 9]);
    expect(queue).toEqual([]);
  });

  it('takes nothing from an empty queue', () => {
    expect(takeBatch([], 32, isLong)).toEqual([]);
  });
});
