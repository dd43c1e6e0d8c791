// Which devices the VM boots from, in order: tick a device to boot from it, move it with the
// Up and Down buttons (keyboard reachable, named for the device). Nothing ticked = firmware default.
import { useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { useEditForm } from './use-edit-form.ts';

interface Device { key: string; label: string }

export function bootDevices(vm: VmDetail): Device[] {
  return [
    ...vm.disks.map((d) => ({ key: d.target, label: `${d.device === 'cdrom' ? 'CD/DVD' : 'Disk'} ${d.target}${d.source.volume ? ` (${d.source.pool}/${d.source.volume})` : ''}` })),
    ...vm.nics.map((n) => ({ key: n.mac, label: `Network card ${n.mac}` })),
  ];
}

export function BootOrderDialog({ vm, onClose, onDone, onReload }: EditorProps) {
  const form = useEditForm(vm, onDone);
  const devices = bootDevices(vm);
  const [order, setOrder] = useState(() => vm.bootOrder.filter((k) => devices.some((d) => d.key === k)));
  const rest = devices.filter((d) => !order.includes(d.key));
  const label = (key: string) => devices.find((d) => d.key === key)?.label ?? key;
  const move = (i: number, by: -1 | 1) => setOrder((o) => {
    const next = [...o];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    return next;
  });
  const toggle = (key: string, on: boolean) => setOrder((o) => (on ? [...o, key] : o.filter((k) => k !== key)));

  return (
    <EditDialog title="Boot order" testId="edit-boot" vm={vm} form={form} onSubmit={() => form.submit({ bootOrder: order })} onClose={onClose} onReload={onReload}>
      <ol className="boot-list" aria-label="Boot from, in order">
        {order.map((key, i) => (
          <li key={key} data-testid="boot-item" data-key={key}>
            <label className="checkbox"><input type="checkbox" checked onChange={() => toggle(key, false)} /> {label(key)}</label>
            <button type="button" aria-label={`Move ${label(key)} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
            <button type="button" aria-label={`Move ${label(key)} down`} disabled={i === order.length - 1} onClick={() => move(i, 1)}>↓</button>
          </li>
        ))}
      </ol>
      {order.length === 0 && <p className="muted">No device ticked: the firmware's default order applies.</p>}
      {rest.length > 0 && (
        <ul className="boot-list boot-rest" aria-label="Not booted from">
          {rest.map((d) => (
            <li key={d.key}><label className="checkbox"><input type="checkbox" checked={false} onChange={() => toggle(d.key, true)} /> {d.label}</label></li>
          ))}
        </ul>
      )}
      {form.errors.bootOrder && <p className="field-error" role="alert">{form.errors.bootOrder}</p>}
    </EditDialog>
  );
}
