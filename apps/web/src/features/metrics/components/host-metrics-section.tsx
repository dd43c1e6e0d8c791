// The host page's CPU and memory charts (live or a history range) and its top consumers.
// Loaded lazily (lazy-sections.tsx), like the VM page's charts.
import { useState } from 'react';
import type { MetricsRange } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { useHostMetrics } from '../api/get-host-metrics.ts';
import { useLiveHostStats } from '../live-stats.ts';
import { HOST_CHARTS } from '../metric-defs.ts';
import { HistoryCharts } from './history-charts.tsx';
import { LiveCharts } from './live-charts.tsx';
import { RangePicker, type MetricsView } from './range-picker.tsx';
import { TopConsumers } from './top-consumers.tsx';

function HostLive({ hostId }: { hostId: string }) {
  return <LiveCharts defs={HOST_CHARTS} points={useLiveHostStats(hostId)} idPrefix="host-metrics" />;
}

function HostHistory({ hostId, range }: { hostId: string; range: MetricsRange }) {
  const q = useHostMetrics(hostId, range);
  if (q.isError) return <ErrorMessage error={q.error} title="Could not load the metrics" />;
  if (!q.data) return <p className="muted" aria-busy="true">Loading metrics…</p>;
  return <HistoryCharts defs={HOST_CHARTS} data={q.data} idPrefix="host-metrics" />;
}

export default function HostMetricsSection({ hostId }: { hostId: string }) {
  const [view, setView] = useState<MetricsView>('live');
  return (
    <>
      <section className="panel panel-wide" aria-labelledby="host-metrics-title" data-testid="host-metrics" data-view={view}>
        <div className="metrics-header">
          <h2 id="host-metrics-title">Usage</h2>
          <RangePicker value={view} onChange={setView} idPrefix="host-metrics" />
        </div>
        {view === 'live' ? <HostLive hostId={hostId} /> : <HostHistory hostId={hostId} range={view} />}
      </section>
      <TopConsumers hostId={hostId} />
    </>
  );
}
