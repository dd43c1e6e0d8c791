// The VM page's performance charts: live from the event stream, or a history range.
// Loaded lazily (lazy-sections.tsx): the chart code stays out of the initial JavaScript.
import { useState } from 'react';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { useVmMetrics } from '../api/get-vm-metrics.ts';
import { useLiveVmStats } from '../live-stats.ts';
import { VM_CHARTS } from '../metric-defs.ts';
import { HistoryCharts } from './history-charts.tsx';
import { LiveCharts } from './live-charts.tsx';
import { RangePicker, type MetricsView } from './range-picker.tsx';
import type { MetricsRange } from '@ferry/contract';

function VmLive({ vmId, running }: { vmId: string; running: boolean }) {
  const points = useLiveVmStats(vmId);
  return (
    <>
      {!running && <p className="muted" data-testid="vm-metrics-idle">The VM is not running: no new samples arrive.</p>}
      <LiveCharts defs={VM_CHARTS} points={points} idPrefix="vm-metrics" />
    </>
  );
}

function VmHistory({ vmId, range }: { vmId: string; range: MetricsRange }) {
  const q = useVmMetrics(vmId, range);
  if (q.isError) return <ErrorMessage error={q.error} title="Could not load the metrics" />;
  if (!q.data) return <p className="muted" aria-busy="true">Loading metrics…</p>;
  return <HistoryCharts defs={VM_CHARTS} data={q.data} idPrefix="vm-metrics" />;
}

export default function VmMetricsSection({ vmId, running }: { vmId: string; running: boolean }) {
  const [view, setView] = useState<MetricsView>('live');
  return (
    <section className="panel panel-wide" aria-labelledby="vm-metrics-title" data-testid="vm-metrics" data-view={view}>
      <div className="metrics-header">
        <h2 id="vm-metrics-title">Performance</h2>
        <RangePicker value={view} onChange={setView} idPrefix="vm-metrics" />
      </div>
      {view === 'live' ? <VmLive vmId={vmId} running={running} /> : <VmHistory vmId={vmId} range={view} />}
    </section>
  );
}
