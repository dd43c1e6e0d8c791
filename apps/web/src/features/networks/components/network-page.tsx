import { ErrorMessage } from '../../../components/error-message.tsx';
import { useNetwork } from '../api/get-network.ts';

export function NetworkPage({ hostId, name }: { hostId: string; name: string }) {
  const net = useNetwork(hostId, name);
  const n = net.data;
  return (
    <section className="page" aria-labelledby="net-title" data-testid="network-page">
      <header className="page-header">
        <h1 id="net-title">Network {name}</h1>
        {n && <span className="chip">{n.active ? 'active' : 'inactive'}</span>}
      </header>
      <ErrorMessage error={net.error} />
      {n && (
        <>
          <dl className="props panel">
            <div><dt>Mode</dt><dd>{n.mode}</dd></div>
            <div><dt>Bridge</dt><dd>{n.bridge ?? '—'}</dd></div>
            <div><dt>IPv4</dt><dd>{n.ipv4 ? `${n.ipv4.address}/${n.ipv4.prefix}` : '—'}</dd></div>
            <div><dt>DHCP</dt><dd>{n.ipv4?.dhcp ? `${n.ipv4.dhcp.start} – ${n.ipv4.dhcp.end}` : 'off'}</dd></div>
            <div><dt>Autostart</dt><dd>{n.autostart ? 'yes' : 'no'}</dd></div>
          </dl>
          <h2>DHCP leases</h2>
          <table className="table">
            <thead><tr><th>MAC</th><th>Address</th><th>Hostname</th></tr></thead>
            <tbody>
              {n.leases.map((l) => <tr key={l.mac + l.ipAddress}><td>{l.mac}</td><td>{l.ipAddress}/{l.prefix}</td><td>{l.hostname ?? '—'}</td></tr>)}
              {n.leases.length === 0 && <tr><td colSpan={3} className="muted">No leases.</td></tr>}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
