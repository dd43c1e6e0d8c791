// Axis arithmetic for the charts: "nice" value ticks (1, 2, 5 × 10ⁿ) and time ticks on round
// steps in local time, plus the path of a line with breaks where samples are missing.

/** Up to about `count` round ticks from 0 (or min) to at least max. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Ticks for byte quantities: round in powers of 1024 (1, 2, 4 … KiB) so labels read cleanly. */
export function binaryTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return niceTicks(0, 1, count);
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024)));
  return niceTicks(0, max / unit, count).map((t) => t * unit);
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const STEPS = [10 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D, 61 * D];

/** Round local times between from and to, about `count` of them, and how to label them. */
export function timeTicks(from: number, to: number, count = 5): { ticks: number[]; label: (t: number) => string } {
  const span = Math.max(1, to - from);
  const step = STEPS.find((s) => span / s <= count) ?? STEPS[STEPS.length - 1]!;
  // Day and longer steps start at local midnight; shorter ones at multiples of the step.
  const offset = new Date(from).getTimezoneOffset() * M;
  const align = step >= D ? D : step;
  let t = Math.ceil((from - offset) / align) * align + offset;
  const ticks: number[] = [];
  for (; t <= to && ticks.length < 50; t += step) ticks.push(t);
  const label = step < M
    ? (x: number) => new Date(x).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : step < D
      ? (x: number) => new Date(x).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : (x: number) => new Date(x).toLocaleDateString([], { month: 'short', day: 'numeric' });
  return { ticks, label };
}

/**
 * An SVG path through the points; a null value or a gap longer than `gapMs` between two
 * samples lifts the pen, so missing data shows as missing rather than as a straight line.
 */
export function linePath(points: ReadonlyArray<readonly [number, number | null]>, x: (t: number) => number, y: (v: number) => number, gapMs: number): string {
  let d = '';
  let prevT: number | null = null;
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      prevT = null;
      continue;
    }
    const move = prevT === null || t - prevT > gapMs;
    d += `${move ? 'M' : 'L'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`;
    prevT = t;
  }
  return d;
}
