import { ErrorMessage } from '../../../components/error-message.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { usePools } from '../api/get-pools.ts';
import { useVolumes } from '../api/get-volumes.ts';

export function PoolPage({ hostId, pool }: { hostId: string; pool: string }) {
  const pools = usePools(hostId);
  const volumes = useVolumes(hostId, pool);
  const p = pools.data?.find((x) => x.name === pool);
  return (
    <section className="page" aria-labelledby="pool-title" data-testid="pool-page">
      <header className="page-header">
        <h1 id="pool-title">Storage pool {pool}</h1>
        {p && <span className="chip">{p.active ? 'active' : 'inactive'}</span>}
      </header>
      <ErrorMessage error={pools.error ?? volumes.error} />
      {p && (
        <dl className="props panel">
          <div><dt>Type</dt><dd>{p.type}</dd></div>
          <div><dt>Path</dt><dd><code>{p.path ?? '—'}</code></dd></div>
          <div><dt>Used</dt><dd>{formatBytes(p.allocationBytes)} of {formatBytes(p.capacityBytes)} ({formatBytes(p.availableBytes)} free)</dd></div>
        </dl>
      )}
      <table className="table">
        <thead><tr><th>Volume</th><th>Format</th><th>Size</th><th>Used on host</th></tr></thead>
        <tbody>
          {(volumes.data ?? []).map((v) => (
            <tr key={v.name}><td>{v.name}</td><td>{v.format}</td><td>{formatBytes(v.capacityBytes)}</td><td>{formatBytes(v.allocationBytes)}</td></tr>
          ))}
          {volumes.data?.length === 0 && <tr><td colSpan={4} className="muted">No volumes.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
