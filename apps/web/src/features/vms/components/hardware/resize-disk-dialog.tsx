// Grow a disk's volume (never shrink: that would destroy data). A running guest's disk is
// grown by QEMU, which also tells the guest.
import { useState } from 'react';
import { Field } from '../../../../components/field.tsx';
import { formatBytes } from '../../../../lib/format-units.ts';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { num, useEditForm } from './use-edit-form.ts';

const GiB = 1024 ** 3;

export function ResizeDiskDialog({ vm, target, onClose, onDone, onReload }: EditorProps & { target: string }) {
  const form = useEditForm(vm, onDone);
  const disk = vm.disks.find((d) => d.target === target);
  const current = disk?.capacityBytes ?? null;
  const [size, setSize] = useState(current ? String(Math.ceil(current / GiB)) : '');
  const submit = () => {
    const gib = num(size);
    if (current !== null && gib * GiB < current) {
      form.setErrors({ sizeGiB: `smaller than the disk is now (${formatBytes(current)}): shrinking would destroy data` });
      return;
    }
    form.submit({ disks: { resize: [{ target, sizeGiB: gib }] } });
  };
  return (
    <EditDialog title={`Resize disk ${target}`} testId="edit-disk-resize" vm={vm} form={form} onSubmit={submit} onClose={onClose} onReload={onReload} submitLabel="Resize">
      <Field id="hw-resize-size" label="New size (GiB)" error={form.errors.sizeGiB ?? form.errors['disks.resize.0.sizeGiB']}
        hint={current !== null ? `Now ${formatBytes(current)}. Grow the guest's partition and file system afterwards.` : undefined}>
        <input type="number" min={1} step={1} value={size} onChange={(e) => setSize(e.target.value)} />
      </Field>
    </EditDialog>
  );
}
