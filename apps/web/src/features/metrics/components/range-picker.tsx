// Live, or one of the history ranges: a group of toggle buttons (Tab reaches each, Space or
// Enter picks it; the pressed one says so to screen readers).
import { METRICS_RANGES, type MetricsRange } from '@ferry/contract';

export type MetricsView = 'live' | MetricsRange;
export const METRICS_VIEWS: readonly MetricsView[] = ['live', ...METRICS_RANGES];
const LABEL: Record<MetricsView, string> = { live: 'Live', hour: 'Hour', day: 'Day', week: 'Week', month: 'Month', year: 'Year' };

export function RangePicker({ value, onChange, idPrefix }: { value: MetricsView; onChange: (v: MetricsView) => void; idPrefix: string }) {
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {METRICS_VIEWS.map((v) => (
        <button key={v} type="button" id={`${idPrefix}-range-${v}`} data-testid={`${idPrefix}-range-${v}`} aria-pressed={v === value} onClick={() => onChange(v)}>
          {LABEL[v]}
        </button>
      ))}
    </div>
  );
}
