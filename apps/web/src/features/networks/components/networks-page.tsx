// A host's virtual networks (the tree's Networks group): mode, state, bridge, addressing; New
// network for those who may manage networks on the host. A new one shows here and in the tree
// at once.
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Link } from '../../../lib/router.tsx';
import { useCanOnHost } from '../../auth/can.ts';
import { useHosts } from '../../hosts/api/get-hosts.ts';
import { useNetworks } from '../api/get-networks.ts';
import { CreateNetworkDialog } from './create-network-dialog.tsx';
import { MODE_LABEL } from './mode-label.ts';

export function NetworksPage({ hostId }: { hostId: string }) {
  const networks = useNetworks(hostId);
  const hostName = useHosts().data?.find((h) => h.id === hostId)?.name ?? hostId;
  const canManage = useCanOnHost(hostId, 'network.manage');
  const [creating, setCreating] = useState(false);
  return (
    <section className="page" aria-labelledby="networks-title" data-testid="networks-page">
      <header className="page-header">
        <h1 id="networks-title">Networks on {hostName}</h1>
        <span className="spacer" />
        {canManage && <button type="button" className="primary" id="create-network-button" onClick={() => setCreating(true)}>New network</button>}
      </header>
      <ErrorMessage error={networks.error} />
      {networks.isPending && <p className="muted">Loading…</p>}
      {networks.data?.length === 0 && (
        <EmptyState title="No networks">{canManage && <p>A NAT network gives guests a private subnet with DHCP and a way out through the host.</p>}</EmptyState>
      )}
      {networks.data && networks.data.length > 0 && (
        <table className="table" aria-label="Networks" data-testid="network-table">
          <thead><tr><th>Network</th><th>State</th><th>Mode</th><th>Bridge</th><th>IPv4</th><th>DHCP</th><th>Autostart</th></tr></thead>
          <tbody>
            {networks.data.map((n) => (
              <tr key={n.name} data-testid="network-row" data-network={n.name}>
                <td><Link to={`/networks/${hostId}/${encodeURIComponent(n.name)}`}>{n.name}</Link></td>
                <td>{n.active ? 'active' : 'inactive'}</td>
                <td>{MODE_LABEL[n.mode]}</td>
                <td>{n.bridge ?? '—'}</td>
                <td>{n.ipv4 ? `${n.ipv4.address}/${n.ipv4.prefix}` : '—'}</td>
                <td>{n.ipv4?.dhcp ? `${n.ipv4.dhcp.start} – ${n.ipv4.dhcp.end}` : 'off'}</td>
                <td>{n.autostart ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateNetworkDialog hostId={hostId} networks={networks.data ?? []} onClose={() => setCreating(false)} />}
    </section>
  );
}
