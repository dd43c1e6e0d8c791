// The landing page: hosts and VM counts at a glance, and what to do first on a new install.
import { useState } from 'react';
import type { VmState } from '@ferry/contract';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { HostStateIcon, VmStateIcon } from '../../../components/state-icon.tsx';
import { Link } from '../../../lib/router.tsx';
import { useCan } from '../../auth/can.ts';
import { useHosts } from '../api/get-hosts.ts';
import { HostFormDialog } from './host-form-dialog.tsx';

export function DatacenterPage({ vmCounts, onCreateVm }: { vmCounts: Partial<Record<VmState, number>> | undefined; onCreateVm: () => void }) {
  const hosts = useHosts();
  const canAddHost = useCan('host.manage');
  const [adding, setAdding] = useState(false);
  const total = Object.values(vmCounts ?? {}).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <section className="page" aria-labelledby="dc-title" data-testid="datacenter-page">
      <header className="page-header">
        <h1 id="dc-title">Datacenter</h1>
        <span className="spacer" />
        {canAddHost && <button type="button" id="add-host-button" onClick={() => setAdding(true)}>Add host</button>}
      </header>
      <ErrorMessage error={hosts.error} />
      <div className="summary-grid">
        <section className="panel" aria-labelledby="dc-hosts">
          <h2 id="dc-hosts">Hosts</h2>
          <ul className="plain-list">
            {(hosts.data ?? []).map((h) => (
              <li key={h.id} data-testid="dc-host" data-state={h.state}>
                <HostStateIcon state={h.state} /> <Link to={`/hosts/${h.id}`}>{h.name}</Link> <span className="muted">{h.state} · {h.uri}</span>
              </li>
            ))}
          </ul>
          {hosts.data?.length === 0 && <p className="muted">No hosts yet.{canAddHost ? ' Add one by its libvirt URI.' : ''}</p>}
        </section>
        <section className="panel" aria-labelledby="dc-vms">
          <h2 id="dc-vms">Virtual machines</h2>
          <p><Link to="/vms">{total} VMs</Link></p>
          <ul className="plain-list">
            {Object.entries(vmCounts ?? {}).map(([state, n]) => (
              <li key={state}><VmStateIcon state={state as VmState} /> {n} {state}</li>
            ))}
          </ul>
        </section>
      </div>
      {vmCounts && total === 0 && (
        <EmptyState title="Welcome to Ferry">
          <p>Your host is connected. Next: upload an installation ISO to a storage pool (Storage in the tree), then create a VM.</p>
          <button type="button" className="primary" onClick={onCreateVm}>Create VM</button>
        </EmptyState>
      )}
      {adding && <HostFormDialog onClose={() => setAdding(false)} />}
    </section>
  );
}
