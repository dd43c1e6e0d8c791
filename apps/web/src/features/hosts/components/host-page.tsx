// One host: connection, versions, capacity, and the readiness report with the exact fix for
// what fails; Edit and Remove for those who may manage it.
import { ErrorMessage } from '../../../components/error-message.tsx';
import { HostStateIcon } from '../../../components/state-icon.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { HostMetricsPanel } from '../../metrics/lazy-sections.tsx';
import { useHosts } from '../api/get-hosts.ts';
import { HostActions } from './host-actions.tsx';
import { HostCapacity } from './host-capacity.tsx';
import { ReadinessPanel } from './readiness-panel.tsx';

export function HostPage({ hostId }: { hostId: string }) {
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.id === hostId);
  if (hosts.isPending) return <section className="page" aria-busy="true"><p className="muted">Loading…</p></section>;
  if (!host) return <section className="page"><ErrorMessage error={hosts.error} /><p>No host {hostId}.</p></section>;
  return (
    <section className="page" aria-labelledby="host-title" data-testid="host-page">
      <header className="page-header">
        <h1 id="host-title">{host.name}</h1>
        <span className="badge" data-testid="host-state" data-state={host.state}><HostStateIcon state={host.state} /> {host.state}</span>
        <span className="spacer" />
        <HostActions host={host} />
      </header>
      <div className="summary-grid">
        <section className="panel" aria-labelledby="host-conn">
          <h2 id="host-conn">Connection</h2>
          <dl className="props">
            <div><dt>URI</dt><dd><code>{host.uri}</code></dd></div>
            {host.migrationUri && <div><dt>Migration URI</dt><dd><code>{host.migrationUri}</code></dd></div>}
            <div><dt>Since</dt><dd>{formatTime(host.stateSince)}</dd></div>
            {host.lastError && <div><dt>Last error</dt><dd className="warn">{host.lastError}</dd></div>}
            <div><dt>Hostname</dt><dd>{host.hostname ?? '—'}</dd></div>
            <div><dt>libvirt</dt><dd>{host.libvirtVersion ?? '—'}</dd></div>
            <div><dt>Hypervisor</dt><dd>{host.hypervisorVersion ?? '—'}</dd></div>
          </dl>
        </section>
        <HostCapacity hostId={hostId} />
        <ReadinessPanel hostId={hostId} hostState={host.state} />
        <HostMetricsPanel hostId={hostId} />
      </div>
    </section>
  );
}
