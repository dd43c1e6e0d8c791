import type { Host, VmDetail } from '@ferry/contract';
import { LiveUptime } from '../../../../components/live-uptime.tsx';
import { VmStateBadge } from '../../../../components/state-icon.tsx';
import { formatMiB } from '../../../../lib/format-units.ts';
import { VmMetricsPanel } from '../../../metrics/lazy-sections.tsx';

const acceleration = (domainType: string) => (domainType === 'kvm' ? 'KVM (hardware)' : domainType === 'qemu' ? 'TCG (emulated, slower: no usable KVM on this host)' : domainType);

export function VmSummaryTab({ vm, host }: { vm: VmDetail; host: Host | undefined }) {
  return (
    <div className="summary-grid" data-testid="vm-summary">
      <section className="panel" aria-labelledby="summary-status">
        <h2 id="summary-status">Status</h2>
        <dl className="props">
          <div><dt>State</dt><dd><VmStateBadge state={vm.state} testId="vm-summary-state" />{vm.reason && vm.reason !== 'unknown' && <span className="muted"> ({vm.reason})</span>}</dd></div>
          <div><dt>Host</dt><dd>{host?.name ?? vm.hostId}</dd></div>
          <div><dt>Uptime</dt><dd>{vm.state === 'running' ? <LiveUptime uptimeS={vm.uptimeS} /> : '—'}</dd></div>
          <div><dt>IP addresses</dt><dd data-testid="vm-ips">{vm.ips.length ? vm.ips.join(', ') : <span className="muted">none known{vm.guestAgent ? '' : ' (no guest agent; DHCP leases only)'}</span>}</dd></div>
          <div><dt>Virtualization</dt><dd>{acceleration(vm.domainType)}</dd></div>
          {vm.stale && <div><dt>Note</dt><dd className="warn">The host is not connected: this is the last state Ferry saw.</dd></div>}
        </dl>
      </section>
      <section className="panel" aria-labelledby="summary-resources">
        <h2 id="summary-resources">Resources</h2>
        <dl className="props">
          <div><dt>vCPUs</dt><dd>{vm.vcpu.current}{vm.vcpu.max !== vm.vcpu.current ? ` (max ${vm.vcpu.max})` : ''}</dd></div>
          <div><dt>Memory</dt><dd>{formatMiB(vm.memory.currentMiB)}{vm.memory.maxMiB !== vm.memory.currentMiB ? ` (max ${formatMiB(vm.memory.maxMiB)})` : ''}</dd></div>
          <div><dt>Disks</dt><dd>{vm.disks.length}</dd></div>
          <div><dt>Network cards</dt><dd>{vm.nics.length}</dd></div>
          <div><dt>Autostart</dt><dd>{vm.autostart ? 'yes' : 'no'}</dd></div>
        </dl>
      </section>
      <section className="panel panel-wide" aria-labelledby="summary-notes">
        <h2 id="summary-notes">Description and tags</h2>
        {/* Guest- and user-controlled text: rendered as text, never as markup. */}
        <p className="description" data-testid="vm-description">{vm.description || <span className="muted">No description.</span>}</p>
        <div className="cell-tags">{vm.tags.map((t) => <span key={t} className="chip">{t}</span>)}</div>
      </section>
      {!vm.template && <VmMetricsPanel vmId={vm.id} running={vm.state === 'running'} />}
    </div>
  );
}
