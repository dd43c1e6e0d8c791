// Memory in MiB. On a running VM, up to what it was started with the balloon applies it now;
// more than that waits for the next boot.
import { useState } from 'react';
import { Field } from '../../../../components/field.tsx';
import { formatMiB } from '../../../../lib/format-units.ts';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { num, useEditForm } from './use-edit-form.ts';

export function MemoryDialog({ vm, onClose, onDone, onReload }: EditorProps) {
  const form = useEditForm(vm, onDone);
  const [mib, setMib] = useState(String(vm.memory.currentMiB));
  const running = vm.state === 'running' || vm.state === 'paused';
  return (
    <EditDialog title="Memory" testId="edit-memory" vm={vm} form={form} onSubmit={() => form.submit({ memoryMiB: num(mib) })} onClose={onClose} onReload={onReload}>
      <Field id="hw-memory" label="Memory (MiB)" error={form.errors.memoryMiB}
        hint={running ? `Up to ${formatMiB(vm.memory.maxMiB)} applies now through the balloon; more waits for the next boot.` : 'Between 16 MiB and 4 TiB, within what the host has.'}>
        <input type="number" min={16} step={64} value={mib} onChange={(e) => setMib(e.target.value)} />
      </Field>
    </EditDialog>
  );
}
