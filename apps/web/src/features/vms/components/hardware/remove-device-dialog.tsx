// Detach a disk (its volume is kept) or remove a network card, after saying which.
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { useEditForm } from './use-edit-form.ts';

export function RemoveDeviceDialog({ vm, device, onClose, onDone, onReload }: EditorProps & { device: { kind: 'disk'; target: string } | { kind: 'nic'; mac: string } }) {
  const form = useEditForm(vm, onDone);
  const disk = device.kind === 'disk';
  const what = disk ? `disk ${device.target}` : `network card ${device.mac}`;
  const submit = () => form.submit(disk ? { disks: { detach: [device.target] } } : { nics: { remove: [device.mac] } });
  return (
    <EditDialog title={`${disk ? 'Detach' : 'Remove'} ${what}?`} testId="edit-remove" vm={vm} form={form} danger onSubmit={submit}
      onClose={onClose} onReload={onReload} submitLabel={disk ? 'Detach' : 'Remove'}>
      <p>{disk ? 'The disk leaves the VM; its volume stays in the pool and can be attached again.' : 'The network card leaves the VM, with its MAC address.'}</p>
    </EditDialog>
  );
}
