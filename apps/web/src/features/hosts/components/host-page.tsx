// One host: connection, versions, and the readiness report with the exact fix for what fails.
import { ErrorMessage } from '../../../components/error-message.tsx';
import { HostStateIcon } from '../../../components/state-icon.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { useHostReadiness } from '../api/get-host-readiness.ts';
import { useHosts } from '../api/get-hosts.ts';

const ACCEL = { kvm: 'KVM (hardware acceleration)', tcg: 'TCG (emulation: VMs run, slowly)', none: 'none: VMs cannot run' } as const;

export function HostPage({ hostId }: { hostId: string }) {
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.id === hostId);
  const readiness = useHostReadiness(hostId);
  if (hosts.isPending) return <section className="page" aria-busy="true"><p className="muted">Loading…</p></section>;
  if (!host) return <section className="page"><ErrorMessage error={hosts.error} /><p>No host {hostId}.</p></section>;
  return (
    <section className="page" aria-labelledby="host-title" data-testid="host-page">
      <header className="page-header">
        <h1 id="host-title">{host.name}</h1>
        <span className="badge" data-testid="host-state" data-state={host.state}><HostStateIcon state={host.state} /> {host.state}</span>
      </header>
      <div className="summary-grid">
        <section className="panel" aria-labelledby="host-conn">
          <h2 id="host-conn">Connection</h2>
          <dl className="props">
            <div><dt>URI</dt><dd><code>{host.uri}</code></dd></div>
            <div><dt>Since</dt><dd>{formatTime(host.stateSince)}</dd></div>
            {host.lastError && <div><dt>Last error</dt><dd className="warn">{host.lastError}</dd></div>}
            <div><dt>Hostname</dt><dd>{host.hostname ?? '—'}</dd></div>
            <div><dt>libvirt</dt><dd>{host.libvirtVersion ?? '—'}</dd></div>
            <div><dt>Hypervisor</dt><dd>{host.hypervisorVersion ?? '—'}</dd></div>
          </dl>
        </section>
        <section className="panel" aria-labelledby="host-ready">
          <h2 id="host-ready">Readiness</h2>
          <ErrorMessage error={readiness.error} />
          {readiness.data && (
            <>
              <p>Acceleration: <strong data-testid="host-acceleration">{ACCEL[readiness.data.acceleration]}</strong></p>
              <ul className="checks">
                {readiness.data.checks.map((c) => (
                  <li key={c.id} className={`check check-${c.status}`}>
                    <span className="chip">{c.status}</span> {c.message}
                    {c.fix && <pre className="fix" aria-label="Fix">{c.fix}</pre>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </section>
  );
}
