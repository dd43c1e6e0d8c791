// The VM's hardware, with an editor behind each line (hardware/*). Lines the next boot will
// change are marked pending; the last edit says what applied now and what waits for a boot.
// Editing needs vm.config on the VM: without it the buttons stay, disabled, saying why.
import type { VmDetail } from '@ferry/contract';
import { needs, useCanOnVm } from '../../../auth/can.ts';
import { formatBytes, formatMiB } from '../../../../lib/format-units.ts';
import { EditResultNotice, HardwareDialog, macId, RowAction, useHardwareEditing } from '../hardware/hardware-editing.tsx';
import '../hardware/hardware.css';

function Pending({ on }: { on: boolean }) {
  return on ? <span className="chip chip-warn" data-testid="pending-chip" title="Takes effect at the next boot">pending</span> : null;
}

/** Whether a pending-change line (e.g. "memory: 1024 → 2048 MiB") is about this item. */
const pendingAbout = (pending: readonly string[], ...words: string[]) =>
  pending.some((p) => words.some((w) => p.toLowerCase().includes(w.toLowerCase())));

export function VmHardwareTab({ vm }: { vm: VmDetail }) {
  const hw = useHardwareEditing(vm);
  const p = vm.pendingChanges;
  const mayEdit = useCanOnVm(vm)('vm.config');
  // A disconnected host's VM is the last state Ferry saw: nothing to edit against.
  const off = vm.stale || !mayEdit;
  const why = !mayEdit ? needs('vm.config') : vm.stale ? "The VM's host is not connected" : undefined;
  const diskSource = (d: VmDetail['disks'][number]) => (d.source.pool ? `${d.source.pool}/${d.source.volume}` : d.source.file ?? d.source.dev ?? '—');
  return (
    <div data-testid="vm-hardware">
      {p.length > 0 && (
        <div className="notice" role="status" data-testid="pending-changes">
          <strong>Pending until the next boot:</strong>
          <ul>{p.map((c) => <li key={c}>{c}</li>)}</ul>
        </div>
      )}
      {!mayEdit && <p className="notice" data-testid="hw-readonly">Read only: changing this VM's hardware needs the vm.config privilege on it.</p>}
      <EditResultNotice result={hw.result} />
      <table className="table hardware">
        <tbody>
          <tr data-testid="hw-cpu"><th scope="row">Processors</th><td>{vm.vcpu.current} vCPUs ({vm.cpu.sockets} socket × {vm.cpu.cores} cores × {vm.cpu.threads} threads), {vm.cpu.mode}{vm.cpu.model ? ` ${vm.cpu.model}` : ''} <Pending on={pendingAbout(p, 'vcpu', 'cpu')} /></td>
            <td className="hw-actions"><RowAction id="hw-edit-cpu" label="Edit" name="processors" disabled={off} title={why} onClick={() => hw.open({ kind: 'cpu' })} /></td></tr>
          <tr data-testid="hw-memory"><th scope="row">Memory</th><td>{formatMiB(vm.memory.currentMiB)}{vm.memory.balloon ? ', balloon' : ''} <Pending on={pendingAbout(p, 'memory')} /></td>
            <td className="hw-actions"><RowAction id="hw-edit-memory" label="Edit" name="memory" disabled={off} title={why} onClick={() => hw.open({ kind: 'memory' })} /></td></tr>
          <tr><th scope="row">Machine</th><td>{vm.machine ?? '—'} ({vm.arch}, {vm.domainType})</td><td /></tr>
          <tr><th scope="row">Firmware</th><td>{vm.firmware.kind.toUpperCase()}{vm.firmware.secureBoot ? ', Secure Boot' : ''}</td><td /></tr>
          <tr data-testid="hw-boot"><th scope="row">Boot order</th><td>{vm.bootOrder.join(', ') || '—'} <Pending on={pendingAbout(p, 'boot')} /></td>
            <td className="hw-actions"><RowAction id="hw-edit-boot" label="Edit" name="boot order" disabled={off} title={why} onClick={() => hw.open({ kind: 'boot' })} /></td></tr>
          {vm.disks.map((d) => (
            <tr key={d.target} data-testid="hw-disk" data-target={d.target}>
              <th scope="row">{d.device === 'cdrom' ? 'CD/DVD' : 'Disk'} {d.target}</th>
              <td>{diskSource(d)} — {d.bus}{d.format ? `, ${d.format}` : ''}{d.capacityBytes !== null ? `, ${formatBytes(d.capacityBytes)}` : ''}{d.readonly ? ', read-only' : ''} <Pending on={pendingAbout(p, d.target)} /></td>
              <td className="hw-actions">
                {d.device === 'disk' && d.capacityBytes !== null && <RowAction id={`hw-resize-${d.target}`} label="Resize" name={`disk ${d.target}`} disabled={off} title={why} onClick={() => hw.open({ kind: 'disk-resize', target: d.target })} />}
                <RowAction id={`hw-detach-${d.target}`} label="Detach" name={`disk ${d.target}`} disabled={off} title={why} onClick={() => hw.open({ kind: 'disk-detach', target: d.target })} />
              </td>
            </tr>
          ))}
          {vm.nics.map((n) => (
            <tr key={n.mac} data-testid="hw-nic" data-mac={n.mac}>
              <th scope="row">Network card</th>
              <td>{n.mac} — {n.network ? `network ${n.network}` : n.bridge ? `bridge ${n.bridge}` : n.type}, {n.model ?? 'default model'}, link {n.link}{n.ips.length ? `, ${n.ips.join(', ')}` : ''} <Pending on={pendingAbout(p, n.mac)} /></td>
              <td className="hw-actions">
                <RowAction id={`hw-edit-nic-${macId(n.mac)}`} label="Edit" name={`network card ${n.mac}`} disabled={off} title={why} onClick={() => hw.open({ kind: 'nic-edit', mac: n.mac })} />
                <RowAction id={`hw-remove-nic-${macId(n.mac)}`} label="Remove" name={`network card ${n.mac}`} disabled={off} title={why} onClick={() => hw.open({ kind: 'nic-remove', mac: n.mac })} />
              </td>
            </tr>
          ))}
          {vm.graphics.map((g, i) => (
            <tr key={`g${i}`}><th scope="row">Display</th><td>{g.type}{g.port ? ` on port ${g.port}` : ''}</td><td /></tr>
          ))}
          <tr><th scope="row">Serial console</th><td>{vm.serial ? 'yes' : 'no'}</td><td /></tr>
          <tr><th scope="row">Guest agent channel</th><td>{vm.guestAgent ? 'yes' : 'no'}</td><td /></tr>
        </tbody>
      </table>
      <div className="toolbar hw-add" role="toolbar" aria-label="Add hardware">
        <button type="button" id="hw-add-disk" data-testid="hw-add-disk" disabled={off} title={why} onClick={() => hw.open({ kind: 'disk-add' })}>Add disk</button>
        <button type="button" id="hw-add-nic" data-testid="hw-add-nic" disabled={off} title={why} onClick={() => hw.open({ kind: 'nic-add' })}>Add network card</button>
      </div>
      <HardwareDialog hw={hw} />
    </div>
  );
}
