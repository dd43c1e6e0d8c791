// Small statistics for the metrics benchmarks.

/** The q-quantile (0..1) of xs, nearest rank; NaN for none. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Least-squares line y = a + b·x, with b's 95 % interval half-width (normal approximation). */
export function linearFit(x: readonly number[], y: readonly number[]): { slope: number; intercept: number; ci95: number } {
  const n = x.length;
  if (n < 3) return { slope: NaN, intercept: NaN, ci95: NaN };
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) { sxx += (x[i]! - mx) ** 2; sxy += (x[i]! - mx) * (y[i]! - my); }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - intercept - slope * x[i]!) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { slope, intercept, ci95: 1.96 * se };
}
