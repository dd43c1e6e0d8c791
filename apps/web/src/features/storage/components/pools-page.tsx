// A host's storage pools (the tree's Storage group): state, directory, how full; New pool for
// those who may manage storage on the host. A new pool shows here and in the tree at once.
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { Link } from '../../../lib/router.tsx';
import { useCanOnHost } from '../../auth/can.ts';
import { useHosts } from '../../hosts/api/get-hosts.ts';
import { usePools } from '../api/get-pools.ts';
import { CreatePoolDialog } from './create-pool-dialog.tsx';

export function PoolsPage({ hostId }: { hostId: string }) {
  const pools = usePools(hostId);
  const hostName = useHosts().data?.find((h) => h.id === hostId)?.name ?? hostId;
  const canManage = useCanOnHost(hostId, 'storage.manage');
  const [creating, setCreating] = useState(false);
  return (
    <section className="page" aria-labelledby="pools-title" data-testid="pools-page">
      <header className="page-header">
        <h1 id="pools-title">Storage on {hostName}</h1>
        <span className="spacer" />
        {canManage && <button type="button" className="primary" id="create-pool-button" onClick={() => setCreating(true)}>New pool</button>}
      </header>
      <ErrorMessage error={pools.error} />
      {pools.isPending && <p className="muted">Loading…</p>}
      {pools.data?.length === 0 && (
        <EmptyState title="No storage pools">{canManage && <p>A pool is a directory on the host that holds disk images and ISOs.</p>}</EmptyState>
      )}
      {pools.data && pools.data.length > 0 && (
        <table className="table" aria-label="Storage pools" data-testid="pool-table">
          <thead><tr><th>Pool</th><th>State</th><th>Type</th><th>Directory</th><th>Used</th><th>Free</th><th>Autostart</th></tr></thead>
          <tbody>
            {pools.data.map((p) => (
              <tr key={p.name} data-testid="pool-row" data-pool={p.name}>
                <td><Link to={`/storage/${hostId}/${encodeURIComponent(p.name)}`}>{p.name}</Link></td>
                <td>{p.active ? 'active' : 'inactive'}</td>
                <td>{p.type}</td>
                <td>{p.path ? <code>{p.path}</code> : '—'}</td>
                <td className="nowrap">
                  <ProgressBar percent={p.capacityBytes ? (p.allocationBytes / p.capacityBytes) * 100 : 0} label={`${p.name} usage`} />{' '}
                  {formatBytes(p.allocationBytes)} of {formatBytes(p.capacityBytes)}
                </td>
                <td>{formatBytes(p.availableBytes)}</td>
                <td>{p.autostart ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreatePoolDialog hostId={hostId} pools={pools.data ?? []} onClose={() => setCreating(false)} />}
    </section>
  );
}
