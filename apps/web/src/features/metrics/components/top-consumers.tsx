// The VMs using the most of one resource on a host, from its latest sample (GET /hosts/:id/top).
import { useState } from 'react';
import { TOP_BY, type TopBy, type TopConsumer } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { formatMiB } from '../../../lib/format-units.ts';
import { Link } from '../../../lib/router.tsx';
import { useHostTop } from '../api/get-host-top.ts';
import { formatPercent, formatRate } from '../metric-defs.ts';

const BY_LABEL: Record<TopBy, string> = { cpu: 'CPU', memory: 'Memory', disk: 'Disk I/O', network: 'Network' };
const mem = (c: TopConsumer) => (c.sample.memUsedMiB === null ? '—' : formatMiB(c.sample.memUsedMiB));

export function TopConsumers({ hostId }: { hostId: string }) {
  const [by, setBy] = useState<TopBy>('cpu');
  const top = useHostTop(hostId, by);
  return (
    <section className="panel panel-wide" aria-labelledby="top-title" data-testid="top-consumers">
      <div className="metrics-header">
        <h2 id="top-title">Top consumers</h2>
        <label htmlFor="top-by">Ordered by</label>
        <select id="top-by" value={by} onChange={(e) => setBy(e.target.value as TopBy)}>
          {TOP_BY.map((b) => <option key={b} value={b}>{BY_LABEL[b]}</option>)}
        </select>
      </div>
      <ErrorMessage error={top.error} />
      {top.data && top.data.items.length === 0 && <p className="muted">No running VMs sampled yet.</p>}
      {top.data && top.data.items.length > 0 && (
        <table className="table compact top-table">
          <thead>
            <tr><th scope="col">VM</th><th scope="col" className="num">CPU</th><th scope="col" className="num">Memory</th>
              <th scope="col" className="num">Disk read / write</th><th scope="col" className="num">Network rx / tx</th></tr>
          </thead>
          <tbody>
            {top.data.items.map((c) => (
              <tr key={c.vmId} data-testid="top-row">
                <td><Link to={`/vms/${c.vmId}`}>{c.name}</Link></td>
                <td className="num">{formatPercent(c.sample.cpuPct)}</td>
                <td className="num">{mem(c)}</td>
                <td className="num">{formatRate(c.sample.diskReadBps)} / {formatRate(c.sample.diskWriteBps)}</td>
                <td className="num">{formatRate(c.sample.netRxBps)} / {formatRate(c.sample.netTxBps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
