import { describe, expect, it } from 'vitest';
import { binaryTicks, linePath, niceTicks, timeTicks } from './scale.ts';

describe('chart scales', () => {
  it('picks round value ticks that cover the maximum', () => {
    expect(niceTicks(0, 100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('picks byte ticks in the unit of the maximum', () => {
    const t = binaryTicks(3 * 1024 * 1024);
    expect(t[0]).toBe(0);
    expect(t.at(-1)).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(t.every((v) => v % (1024 * 1024 / 4) === 0)).toBe(true);
  });

  it('places time ticks on round steps inside the range', () => {
    const from = Date.UTC(2026, 0, 1, 10, 0, 7);
    const { ticks } = timeTicks(from, from + 60 * 60_000);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.every((t) => t >= from && t <= from + 3_600_000 && t % (15 * 60_000) === 0)).toBe(true);
  });

  it('breaks the line at nulls and at gaps', () => {
    const pts: [number, number | null][] = [[0, 1], [1000, 2], [2000, null], [3000, 3], [4000, 4], [20_000, 5]];
    expect(linePath(pts, (t) => t / 1000, (v) => v, 5000)).toBe('M0.0 1.0L1.0 2.0M3.0 3.0L4.0 4.0M20.0 5.0');
  });
});
