// A snapshot's description, changed in a small dialog. The contract's rule (plain text, at most
// 2,000 characters) is checked before asking; what the server refuses shows by its code.
import { useState } from 'react';
import { EditSnapshotBodySchema, type Snapshot, type VmDetail } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { useEditSnapshot } from '../api/edit-snapshot.ts';

interface Props {
  vm: VmDetail;
  snapshot: Snapshot;
  onStarted: (taskId: string) => void;
  onClose: () => void;
}

export function descriptionError(description: string): string | undefined {
  const r = EditSnapshotBodySchema.safeParse({ description });
  return r.success ? undefined : r.error.issues[0]?.message ?? 'not a valid description';
}

export function EditSnapshotDialog({ vm, snapshot, onStarted, onClose }: Props) {
  const edit = useEditSnapshot();
  const [description, setDescription] = useState(snapshot.description);
  const error = descriptionError(description);
  const unchanged = description === snapshot.description;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (error || unchanged) return;
    edit.mutate({ vmId: vm.id, name: snapshot.name, description }, { onSuccess: (r) => onStarted(r.taskId) });
  };
  return (
    <Dialog title={`Description of ${snapshot.name}`} onClose={onClose} testId="snapshot-edit-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="snapshot-edit-form" id="snapshot-edit-submit" className="primary"
          disabled={edit.isPending || unchanged || error !== undefined}>
          Save description
        </button>
      </>
    }>
      <form id="snapshot-edit-form" style={{ display: 'grid', gap: 10, minWidth: 360 }} onSubmit={submit} noValidate>
        <Field id="snapshot-edit-description" label="Description" error={error} hint="Plain text, at most 2,000 characters; empty clears it.">
          <textarea rows={3} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <ErrorMessage error={edit.error} title="The server refused the change" />
      </form>
    </Dialog>
  );
}
