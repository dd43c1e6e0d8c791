// The VM's hardware, read-only for now. Lines the next boot will change are marked pending.
import type { VmDetail } from '@ferry/contract';
import { formatBytes, formatMiB } from '../../../../lib/format-units.ts';

function Pending({ on }: { on: boolean }) {
  return on ? <span className="chip chip-warn" title="Takes effect at the next boot">pending</span> : null;
}

/** Whether a pending-change line (e.g. "memory: 1024 → 2048 MiB") is about this item. */
const pendingAbout = (pending: readonly string[], ...words: string[]) =>
  pending.some((p) => words.some((w) => p.toLowerCase().includes(w.toLowerCase())));

export function VmHardwareTab({ vm }: { vm: VmDetail }) {
  const p = vm.pendingChanges;
  const diskSource = (d: VmDetail['disks'][number]) => (d.source.pool ? `${d.source.pool}/${d.source.volume}` : d.source.file ?? d.source.dev ?? '—');
  return (
    <div data-testid="vm-hardware">
      {p.length > 0 && (
        <div className="notice" role="status" data-testid="pending-changes">
          <strong>Pending until the next boot:</strong>
          <ul>{p.map((c) => <li key={c}>{c}</li>)}</ul>
        </div>
      )}
      <table className="table hardware">
        <tbody>
          <tr><th scope="row">Processors</th><td>{vm.vcpu.current} vCPUs ({vm.cpu.sockets} socket × {vm.cpu.cores} cores × {vm.cpu.threads} threads), {vm.cpu.mode}{vm.cpu.model ? ` ${vm.cpu.model}` : ''} <Pending on={pendingAbout(p, 'vcpu', 'cpu')} /></td></tr>
          <tr><th scope="row">Memory</th><td>{formatMiB(vm.memory.currentMiB)}{vm.memory.balloon ? ', balloon' : ''} <Pending on={pendingAbout(p, 'memory')} /></td></tr>
          <tr><th scope="row">Machine</th><td>{vm.machine ?? '—'} ({vm.arch}, {vm.domainType})</td></tr>
          <tr><th scope="row">Firmware</th><td>{vm.firmware.kind.toUpperCase()}{vm.firmware.secureBoot ? ', Secure Boot' : ''}</td></tr>
          <tr><th scope="row">Boot order</th><td>{vm.bootOrder.join(', ') || '—'} <Pending on={pendingAbout(p, 'boot')} /></td></tr>
          {vm.disks.map((d) => (
            <tr key={d.target} data-testid="hw-disk">
              <th scope="row">{d.device === 'cdrom' ? 'CD/DVD' : 'Disk'} {d.target}</th>
              <td>{diskSource(d)} — {d.bus}{d.format ? `, ${d.format}` : ''}{d.capacityBytes !== null ? `, ${formatBytes(d.capacityBytes)}` : ''}{d.readonly ? ', read-only' : ''} <Pending on={pendingAbout(p, d.target)} /></td>
            </tr>
          ))}
          {vm.nics.map((n) => (
            <tr key={n.mac} data-testid="hw-nic">
              <th scope="row">Network card</th>
              <td>{n.mac} — {n.network ? `network ${n.network}` : n.bridge ? `bridge ${n.bridge}` : n.type}, {n.model ?? 'default model'}, link {n.link}{n.ips.length ? `, ${n.ips.join(', ')}` : ''} <Pending on={pendingAbout(p, n.mac)} /></td>
            </tr>
          ))}
          {vm.graphics.map((g, i) => (
            <tr key={`g${i}`}><th scope="row">Display</th><td>{g.type}{g.port ? ` on port ${g.port}` : ''}</td></tr>
          ))}
          <tr><th scope="row">Serial console</th><td>{vm.serial ? 'yes' : 'no'}</td></tr>
          <tr><th scope="row">Guest agent channel</th><td>{vm.guestAgent ? 'yes' : 'no'}</td></tr>
        </tbody>
      </table>
    </div>
  );
}
