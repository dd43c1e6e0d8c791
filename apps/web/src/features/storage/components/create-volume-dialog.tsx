// A new empty disk in the pool: name, format, size. Thin-provisioned, so only what the guest
// writes takes space; the size may exceed the free space (the dialog says so).
import { useState, type FormEvent } from 'react';
import { ObjectNameSchema, VOLUME_FORMATS, type StoragePool } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { useCreateVolume } from '../api/create-volume.ts';

type Format = (typeof VOLUME_FORMATS)[number];

export function CreateVolumeDialog({ hostId, pool, onClose }: { hostId: string; pool: StoragePool; onClose: () => void }) {
  const create = useCreateVolume();
  const [name, setName] = useState('');
  const [format, setFormat] = useState<Format>('qcow2');
  const [size, setSize] = useState('20');
  const [touched, setTouched] = useState(false);
  const gib = Number(size);
  const errors = {
    name: ObjectNameSchema.safeParse(name).error?.issues[0]?.message,
    size: Number.isInteger(gib) && gib >= 1 ? undefined : 'a whole number of GiB, at least 1',
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!errors.name && !errors.size) create.mutate({ hostId, pool: pool.name, name, format, sizeGiB: gib }, { onSuccess: onClose });
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
        <Field id="volume-size" label="Size (GiB)" error={touched ? errors.size : undefined}>
          <input type="number" min={1} step={1} value={size} onChange={(e) => setSize(e.target.value)} />
        </Field>
        {!errors.size && gib * 2 ** 30 > pool.availableBytes && (
          <p className="warn">Larger than the pool's free space ({formatBytes(pool.availableBytes)}): the guest may run out of room as it fills the disk.</p>
        )}
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
