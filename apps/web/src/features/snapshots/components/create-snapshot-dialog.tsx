// Take a snapshot: name, description, kind. Where it is kept (internal, inside the qcow2
// files; or external overlay files) is the server's choice, from the VM's disks and state;
// what it refuses comes back at once and shows here by code, with the server's reason.
import { useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { useCreateSnapshot } from '../api/create-snapshot.ts';
import { KIND_CHOICES, nameError, suggestName, toCreateBody, type CreateForm, type KindChoice } from './snapshot-model.ts';

interface Props {
  vm: VmDetail;
  taken: readonly string[];
  onStarted: (taskId: string, name: string) => void;
  onClose: () => void;
}

export function CreateSnapshotDialog({ vm, taken, onStarted, onClose }: Props) {
  const create = useCreateSnapshot();
  const [form, setForm] = useState<CreateForm>(() => ({ name: suggestName(new Date(), taken), description: '', kind: 'auto' }));
  const [touched, setTouched] = useState(false);
  const error = nameError(form.name, taken);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (error) return;
    create.mutate({ vmId: vm.id, body: toCreateBody(form) }, { onSuccess: (r) => onStarted(r.taskId, form.name) });
  };
  return (
    <Dialog title={`Take a snapshot of ${vm.name}`} onClose={onClose} testId="snapshot-create-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="snapshot-create-form" id="snapshot-create-submit" className="primary" disabled={create.isPending}>
          Take snapshot
        </button>
      </>
    }>
      <form id="snapshot-create-form" style={{ display: 'grid', gap: 10 }} onSubmit={submit} noValidate>
        <Field id="snapshot-name" label="Name" error={touched ? error : undefined} hint="Letters, digits, dot, dash, underscore">
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} onBlur={() => setTouched(true)} autoComplete="off" />
        </Field>
        <Field id="snapshot-description" label="Description (optional)">
          <textarea rows={2} maxLength={2000} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </Field>
        <Field id="snapshot-kind" label="Kind"
          hint="Ferry keeps it inside the qcow2 disks where it can (internal), otherwise as overlay files beside them (external: disk-only snapshots of a running VM, raw disks).">
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as KindChoice })}>
            {KIND_CHOICES.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </Field>
        <ErrorMessage error={create.error} title="The server refused the snapshot" />
      </form>
    </Dialog>
  );
}
