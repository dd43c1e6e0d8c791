// Charts of one history range: per metric the bucket average (solid) and maximum (dashed).
import { useMemo } from 'react';
import { LineChart } from './chart/line-chart.tsx';
import { historySeries, type ChartDef } from '../metric-defs.ts';

interface Series<K extends string> {
  stepS: number;
  from: string;
  to: string;
  points: readonly ({ at: string } & Record<K, unknown>)[];
}

export function HistoryCharts<K extends string>({ defs, data, idPrefix }: { defs: readonly ChartDef<K>[]; data: Series<K>; idPrefix: string }) {
  const series = useMemo(() => defs.map((d) => historySeries(d, data.points)), [defs, data]);
  const from = Date.parse(data.from);
  const to = Date.parse(data.to);
  return (
    <div className="chart-grid-layout" data-testid={`${idPrefix}-history`}>
      {defs.map((d, i) => (
        <LineChart key={d.id} id={`${idPrefix}-${d.id}`} title={d.title} series={series[i]!} from={from} to={to} format={d.format}
          bytes={d.bytes} floorMax={d.floorMax} gapMs={data.stepS * 1000 * 1.5}
          empty={data.points.length ? d.empty : 'No history for this range yet.'} />
      ))}
    </div>
  );
}
