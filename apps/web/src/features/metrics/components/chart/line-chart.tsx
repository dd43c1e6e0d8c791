// A small SVG line chart: value axis with round ticks and units, a time axis in local time,
// one line per series (dashed for maxima), a legend with each series' latest value, and a
// title and description for screen readers. No charting library: this is all the dashboard
// needs, and it lives in the metrics chunk that loads only with a page that shows charts.
import { memo, useMemo } from 'react';
import { binaryTicks, linePath, niceTicks, timeTicks } from './scale.ts';
import './charts.css';

export type ChartPoint = readonly [t: number, v: number | null];

export interface ChartSeries {
  name: string;
  /** Colour slot (charts.css): the same metric keeps the same colour in every range. */
  tone: 0 | 1 | 2 | 3;
  dashed?: boolean;
  points: readonly ChartPoint[];
}

export interface LineChartProps {
  id: string;
  title: string;
  series: readonly ChartSeries[];
  from: number;
  to: number;
  format: (v: number) => string;
  /** Byte quantities get ticks in powers of 1024. */
  bytes?: boolean;
  /** The value axis reaches at least this far (100 for a percentage). */
  floorMax?: number;
  /** Samples further apart than this are not joined. */
  gapMs: number;
  /** Shown instead of the plot when no series has a value. */
  empty?: string;
}

const W = 640;
const H = 170;
const M = { left: 72, right: 12, top: 10, bottom: 22 };

const lastValue = (pts: readonly ChartPoint[]): number | null => {
  for (let i = pts.length - 1; i >= 0; i--) if (pts[i]![1] !== null) return pts[i]![1];
  return null;
};

function LineChartImpl({ id, title, series, from, to, format, bytes, floorMax = 0, gapMs, empty }: LineChartProps) {
  const geo = useMemo(() => {
    let max = floorMax;
    for (const s of series) for (const [, v] of s.points) if (v !== null && v > max) max = v;
    const yTicks = bytes ? binaryTicks(max) : niceTicks(0, max);
    const top = yTicks[yTicks.length - 1] || 1;
    const x = (t: number) => M.left + ((t - from) / Math.max(1, to - from)) * (W - M.left - M.right);
    const y = (v: number) => H - M.bottom - (v / top) * (H - M.top - M.bottom);
    return { yTicks, x, y, time: timeTicks(from, to) };
  }, [series, from, to, bytes, floorMax]);

  const latest = series.map((s) => ({ s, v: lastValue(s.points) }));
  const hasData = latest.some((l) => l.v !== null);
  const points = series[0]?.points.filter((p) => p[1] !== null).length ?? 0;
  const desc = hasData ? `Latest: ${latest.map(({ s, v }) => `${s.name} ${v === null ? 'no value' : format(v)}`).join('; ')}.` : (empty ?? 'No samples yet.');

  return (
    <figure className="chart" data-testid={`chart-${id}`} data-points={points} aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-title">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        <g className="chart-grid" aria-hidden="true">
          {geo.yTicks.map((v) => (
            <g key={v}>
              <line x1={M.left} x2={W - M.right} y1={geo.y(v)} y2={geo.y(v)} />
              <text x={M.left - 6} y={geo.y(v)} dy="0.32em" textAnchor="end">{format(v)}</text>
            </g>
          ))}
          {geo.time.ticks.map((t) => (
            <text key={t} x={geo.x(t)} y={H - 6} textAnchor="middle">{geo.time.label(t)}</text>
          ))}
          <line className="chart-axis" x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          <line className="chart-axis" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        </g>
        {series.map((s) => (
          <path key={s.name} className={`chart-line tone-${s.tone}${s.dashed ? ' dashed' : ''}`} d={linePath(s.points, geo.x, geo.y, gapMs)} />
        ))}
        {/* The newest value of each solid line as a dot: visible even while a line has one point. */}
        {latest.map(({ s, v }) => {
          const last = s.points.findLast((p) => p[1] !== null);
          return !s.dashed && v !== null && last && <circle key={s.name} className={`chart-dot tone-${s.tone}`} cx={geo.x(last[0])} cy={geo.y(v)} r={2.5} />;
        })}
        {!hasData && <text className="chart-empty" x={(W + M.left) / 2} y={H / 2} textAnchor="middle">{empty ?? 'No samples yet'}</text>}
      </svg>
      <ul className="chart-legend">
        {latest.map(({ s, v }) => (
          <li key={s.name}>
            <span className={`swatch tone-${s.tone}${s.dashed ? ' dashed' : ''}`} aria-hidden="true" />
            {s.name}: <strong>{v === null ? '—' : format(v)}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export const LineChart = memo(LineChartImpl);
