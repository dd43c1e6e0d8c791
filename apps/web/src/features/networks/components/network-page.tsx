// One virtual network: its mode, addressing, DHCP range, static hosts and current leases, with
// start/stop, autostart and delete for those who may manage networks on its host.
import { ErrorMessage } from '../../../components/error-message.tsx';
import { formatTime } from '../../../lib/format-units.ts';
import { useNetwork } from '../api/get-network.ts';
import { MODE_LABEL } from './mode-label.ts';
import { NetworkActions } from './network-actions.tsx';

export function NetworkPage({ hostId, name }: { hostId: string; name: string }) {
  const net = useNetwork(hostId, name);
  const n = net.data;
  return (
    <section className="page" aria-labelledby="net-title" data-testid="network-page">
      <header className="page-header">
        <h1 id="net-title">Network {name}</h1>
        {n && <span className="chip" data-testid="network-state">{n.active ? 'active' : 'inactive'}</span>}
        <span className="spacer" />
        {n && <NetworkActions network={n} />}
      </header>
      <ErrorMessage error={net.error} />
      {net.isPending && <p className="muted">Loading…</p>}
      {n && (
        <>
          <dl className="props panel">
            <div><dt>Mode</dt><dd>{MODE_LABEL[n.mode]}</dd></div>
            <div><dt>Bridge</dt><dd>{n.bridge ?? '—'}</dd></div>
            <div><dt>IPv4</dt><dd>{n.ipv4 ? `${n.ipv4.address}/${n.ipv4.prefix}` : '—'}</dd></div>
            <div><dt>DHCP</dt><dd>{n.ipv4?.dhcp ? `${n.ipv4.dhcp.start} – ${n.ipv4.dhcp.end}` : 'off'}</dd></div>
            <div><dt>DNS domain</dt><dd>{n.domain ?? '—'}</dd></div>
            <div><dt>Autostart</dt><dd>{n.autostart ? 'yes' : 'no'}</dd></div>
            <div><dt>UUID</dt><dd><code>{n.uuid}</code></dd></div>
          </dl>
          {n.ipv4 && n.ipv4.hosts.length > 0 && (
            <>
              <h2>Static addresses</h2>
              <table className="table" aria-label="Static addresses">
                <thead><tr><th>MAC</th><th>Address</th><th>Name</th></tr></thead>
                <tbody>
                  {n.ipv4.hosts.map((h, i) => <tr key={i}><td>{h.mac ?? '—'}</td><td>{h.ip ?? '—'}</td><td>{h.name ?? '—'}</td></tr>)}
                </tbody>
              </table>
            </>
          )}
          <h2>DHCP leases</h2>
          <table className="table" aria-label="DHCP leases">
            <thead><tr><th>MAC</th><th>Address</th><th>Hostname</th><th>Client id</th><th>Expires</th></tr></thead>
            <tbody>
              {n.leases.map((l) => (
                <tr key={l.mac + l.ipAddress}>
                  <td>{l.mac}</td><td>{l.ipAddress}/{l.prefix}</td><td>{l.hostname ?? '—'}</td><td>{l.clientId ?? '—'}</td>
                  <td>{l.expiresAt ? `${new Date(l.expiresAt).toLocaleDateString()} ${formatTime(l.expiresAt)}` : 'never'}</td>
                </tr>
              ))}
              {n.leases.length === 0 && <tr><td colSpan={5} className="muted">{n.active ? 'No leases.' : 'No leases: the network is stopped.'}</td></tr>}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
