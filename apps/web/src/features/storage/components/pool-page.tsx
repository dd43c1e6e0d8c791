// One storage pool: where it lives, how full it is, its volumes; upload, new volume, rescan,
// start/stop and remove, and per volume resize and delete, for those who may manage storage
// on the host.
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { useCanOnHost } from '../../auth/can.ts';
import { usePools } from '../api/get-pools.ts';
import { useVolumes } from '../api/get-volumes.ts';
import { PoolActions } from './pool-actions.tsx';
import { VolumeTable } from './volume-table.tsx';

export function PoolPage({ hostId, pool }: { hostId: string; pool: string }) {
  const pools = usePools(hostId);
  const volumes = useVolumes(hostId, pool);
  const canManage = useCanOnHost(hostId, 'storage.manage');
  const p = pools.data?.find((x) => x.name === pool);
  return (
    <section className="page" aria-labelledby="pool-title" data-testid="pool-page">
      <header className="page-header">
        <h1 id="pool-title">Storage pool {pool}</h1>
        {p && <span className="chip">{p.active ? 'active' : 'inactive'}</span>}
        <span className="spacer" />
        {canManage && p && <PoolActions hostId={hostId} pool={p} volumeCount={volumes.data?.length} />}
      </header>
      <ErrorMessage error={pools.error ?? volumes.error} />
      {pools.data && !p && <p>No pool {pool} on this host.</p>}
      {p && (
        <dl className="props panel">
          <div><dt>Type</dt><dd>{p.type}</dd></div>
          <div><dt>Path</dt><dd><code>{p.path ?? '—'}</code></dd></div>
          <div><dt>Autostart</dt><dd>{p.autostart ? 'yes' : 'no'}</dd></div>
          <div>
            <dt>Used</dt>
            <dd>
              <ProgressBar percent={p.capacityBytes ? (p.allocationBytes / p.capacityBytes) * 100 : 0} label="Pool usage" />{' '}
              {formatBytes(p.allocationBytes)} of {formatBytes(p.capacityBytes)} ({formatBytes(p.availableBytes)} free)
            </dd>
          </div>
        </dl>
      )}
      {volumes.isPending && !volumes.error && <p className="muted">Loading volumes…</p>}
      {volumes.data && <VolumeTable volumes={volumes.data} canManage={canManage} availableBytes={p?.availableBytes} />}
    </section>
  );
}
