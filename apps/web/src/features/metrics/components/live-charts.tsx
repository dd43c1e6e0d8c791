// Charts of the last few minutes from the socket's samples. This component is the only one
// that re-renders per stats message (it alone subscribes to the key); each chart is memoized.
import { useMemo } from 'react';
import { LineChart } from './chart/line-chart.tsx';
import { liveSeries, type ChartDef } from '../metric-defs.ts';
import { LIVE_POINTS, liveStats, type LivePoint } from '../live-stats.ts';

export function LiveCharts<K extends string>({ defs, points, idPrefix }: { defs: readonly ChartDef<K>[]; points: readonly LivePoint<Record<K, unknown>>[]; idPrefix: string }) {
  const intervalMs = liveStats.intervalS * 1000;
  const to = points.length ? points[points.length - 1]!.t : Date.now();
  const from = to - LIVE_POINTS * intervalMs;
  const series = useMemo(() => defs.map((d) => liveSeries(d, points)), [defs, points]);
  return (
    <div className="chart-grid-layout" data-testid={`${idPrefix}-live`}>
      {defs.map((d, i) => (
        <LineChart key={d.id} id={`${idPrefix}-${d.id}`} title={d.title} series={series[i]!} from={from} to={to} format={d.format}
          bytes={d.bytes} floorMax={d.floorMax} gapMs={intervalMs * 2.5} empty={points.length ? d.empty : undefined} />
      ))}
    </div>
  );
}
