// The entry points other pages use: each loads its charts as a separate chunk on first use,
// so the initial JavaScript does not grow with the chart code.
import { lazy, Suspense } from 'react';

const VmMetrics = lazy(() => import('./components/vm-metrics-section.tsx'));
const HostMetrics = lazy(() => import('./components/host-metrics-section.tsx'));

const Loading = () => <p className="muted panel panel-wide" aria-busy="true">Loading charts…</p>;

export function VmMetricsPanel(props: { vmId: string; running: boolean }) {
  return <Suspense fallback={<Loading />}><VmMetrics {...props} /></Suspense>;
}

export function HostMetricsPanel(props: { hostId: string }) {
  return <Suspense fallback={<Loading />}><HostMetrics {...props} /></Suspense>;
}
