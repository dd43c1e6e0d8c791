// A new empty disk in the pool: name, format, size (with its unit). Thin-provisioned, so only
// what the guest writes takes space; still, the server refuses a size beyond the pool's free
// space (INSUFFICIENT_SPACE), and so does the form.
import { useState, type FormEvent } from 'react';
import { ObjectNameSchema, VOLUME_FORMATS, type StoragePool } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { SizeField } from '../../../components/size-field.tsx';
import { formatBytes, parseSize } from '../../../lib/format-units.ts';
import { firstIssue } from '../../../lib/form-issues.ts';
import { useCreateVolume } from '../api/create-volume.ts';

type Format = (typeof VOLUME_FORMATS)[number];

export function CreateVolumeDialog({ hostId, pool, onClose }: { hostId: string; pool: StoragePool; onClose: () => void }) {
  const create = useCreateVolume();
  const [name, setName] = useState('');
  const [format, setFormat] = useState<Format>('qcow2');
  const [size, setSize] = useState('20 GiB');
  const [touched, setTouched] = useState(false);
  const { bytes, error: sizeError } = parseSize(size);
  const errors = {
    name: firstIssue(ObjectNameSchema.safeParse(name)),
    size: sizeError ?? (bytes! > pool.availableBytes ? `larger than the pool's free space (${formatBytes(pool.availableBytes)})` : undefined),
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!errors.name && !errors.size) create.mutate({ hostId, pool: pool.name, name, format, capacityBytes: bytes! }, { onSuccess: onClose });
  };
  return (
    <Dialog title={`New volume in ${pool.name}`} onClose={onClose} testId="create-volume-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="create-volume-form" className="primary" id="create-volume-submit" disabled={create.isPending}>Create volume</button>
      </>
    }>
      <form id="create-volume-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="volume-name" label="Name" error={touched ? errors.name : undefined} hint="e.g. data-disk.qcow2">
          <input value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="volume-format" label="Format">
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {VOLUME_FORMATS.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </Field>
        <SizeField id="volume-size" label="Size" value={size} onChange={setSize} error={touched ? errors.size : undefined}
          hint={`Thin-provisioned: space is used as the guest writes. The pool has ${formatBytes(pool.availableBytes)} free.`} />
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
