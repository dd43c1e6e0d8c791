// A new directory pool on the host: a name and a directory (libvirt creates it, with its
// parents, when missing), started at once and, unless unticked, with the host. The directory
// follows the name until it is edited. Checked with the contract's rules first; the server's
// refusals show by their code.
import { useState, type FormEvent } from 'react';
import type { StoragePool } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { useCreatePool } from '../api/create-pool.ts';
import { defaultPoolPath, nestedWith, validatePool } from './pool-form-model.ts';

interface CreatePoolDialogProps {
  hostId: string;
  /** The host's pools as known, for the name and directory checks. */
  pools: readonly StoragePool[];
  onClose: () => void;
}

export function CreatePoolDialog({ hostId, pools, onClose }: CreatePoolDialogProps) {
  const create = useCreatePool();
  const [name, setName] = useState('');
  const [editedPath, setPath] = useState<string | null>(null);
  const [autostart, setAutostart] = useState(true);
  const [touched, setTouched] = useState(false);
  const path = editedPath ?? defaultPoolPath(name);
  const checked = validatePool(name, path, pools);
  // The directory that follows the name is only as good as the name: one message is enough.
  const errors = { ...checked, path: editedPath === null && checked.name ? undefined : checked.path };
  const nested = errors.path ? undefined : nestedWith(path, pools);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.name || errors.path) return;
    create.mutate({ hostId, name, type: 'dir', path, autostart }, { onSuccess: onClose });
  };
  return (
    <Dialog title="New storage pool" onClose={onClose} testId="create-pool-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="create-pool-form" className="primary" id="create-pool-submit" disabled={create.isPending}>Create pool</button>
      </>
    }>
      <form id="create-pool-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="pool-name" label="Name" error={touched ? errors.name : undefined} hint="Letters, digits, . _ -; e.g. fast-ssd">
          <input value={name} autoComplete="off" spellCheck={false} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="pool-path" label="Directory" error={touched ? errors.path : undefined}
          hint="An absolute path on the host; created (with its parents) when missing. Volumes are files in it.">
          <input value={path} autoComplete="off" spellCheck={false} onChange={(e) => setPath(e.target.value)} />
        </Field>
        {nested && (
          <p className="warn form-note" data-testid="pool-nested-warning">
            {nested.inside
              ? <>Inside the directory of pool {nested.pool.name}: that pool will list this directory as one of its volumes.</>
              : <>Holds the directory of pool {nested.pool.name}: this pool will list that directory as one of its volumes.</>}
          </p>
        )}
        <label className="checkbox">
          <input type="checkbox" id="pool-autostart" checked={autostart} onChange={(e) => setAutostart(e.target.checked)} />
          Start with the host
        </label>
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
