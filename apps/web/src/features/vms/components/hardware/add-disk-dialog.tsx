// Add a disk: a new volume in a pool, an existing volume, or an ISO as a CD-ROM. Each kind is
// checked against its own branch of the contract's DiskSpec before anything is sent.
import { useState } from 'react';
import { DiskSpecSchema, type DiskSpec } from '@ferry/contract';
import { Field } from '../../../../components/field.tsx';
import { formatBytes } from '../../../../lib/format-units.ts';
import { usePools } from '../../../storage/api/get-pools.ts';
import { useVolumes } from '../../../storage/api/get-volumes.ts';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { issuesByPath } from '../../../../lib/form-issues.ts';
import { num, useEditForm } from './use-edit-form.ts';

type Kind = 'new' | 'volume' | 'iso';
const KINDS: { id: Kind; label: string }[] = [
  { id: 'new', label: 'New volume' }, { id: 'volume', label: 'Existing volume' }, { id: 'iso', label: 'ISO image (CD-ROM)' },
];
const BRANCH = { volume: 0, new: 1, iso: 2 } as const;

function VolumeSelect({ hostId, pool, iso, value, onChange, taken, error }: {
  hostId: string; pool: string; iso: boolean; value: string; onChange: (v: string) => void; taken: Set<string>; error?: string | undefined;
}) {
  const vols = useVolumes(hostId, pool);
  const fit = (vols.data ?? []).filter((v) => (v.format === 'iso') === iso && !taken.has(`${pool}/${v.name}`));
  return (
    <Field id="hw-disk-volume" label={iso ? 'ISO image' : 'Volume'} error={error}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{vols.isPending ? 'Loading…' : fit.length ? 'Choose…' : 'none free in this pool'}</option>
        {fit.map((v) => <option key={v.name} value={v.name}>{v.name} ({v.format}, {formatBytes(v.capacityBytes)})</option>)}
      </select>
    </Field>
  );
}

export function AddDiskDialog({ vm, onClose, onDone, onReload }: EditorProps) {
  const form = useEditForm(vm, onDone);
  const pools = usePools(vm.hostId);
  const [kind, setKind] = useState<Kind>('new');
  const [pool, setPool] = useState('');
  const [size, setSize] = useState('10');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [volume, setVolume] = useState('');
  const [bus, setBus] = useState('');
  const chosenPool = pool || pools.data?.find((p) => p.active)?.name || '';
  const taken = new Set(vm.disks.map((d) => `${d.source.pool}/${d.source.volume}`));
  const e = form.errors;

  const submit = () => {
    const b = bus ? { bus } : {};
    const spec = kind === 'new' ? { pool: chosenPool, sizeGiB: num(size), format, ...b }
      : kind === 'volume' ? { pool: chosenPool, volume, ...b } : { pool: chosenPool, iso: volume, ...b };
    const parsed = DiskSpecSchema.options[BRANCH[kind]].safeParse(spec);
    if (!parsed.success) return form.setErrors(issuesByPath(parsed.error.issues));
    form.submit({ disks: { add: [parsed.data as DiskSpec] } });
  };

  return (
    <EditDialog title="Add a disk" testId="edit-disk-add" vm={vm} form={form} onSubmit={submit} onClose={onClose} onReload={onReload} submitLabel="Add disk">
      <fieldset>
        <legend>What to attach</legend>
        {KINDS.map((k) => (
          <label key={k.id} className="radio">
            <input type="radio" name="hw-disk-kind" id={`hw-disk-kind-${k.id}`} checked={kind === k.id} onChange={() => { setKind(k.id); setVolume(''); setBus(''); }} /> {k.label}
          </label>
        ))}
      </fieldset>
      <Field id="hw-disk-pool" label="Storage pool" error={e.pool}>
        <select value={chosenPool} onChange={(ev) => { setPool(ev.target.value); setVolume(''); }}>
          {pools.data?.filter((p) => p.active).map((p) => <option key={p.name} value={p.name}>{p.name} ({formatBytes(p.availableBytes)} free)</option>)}
        </select>
      </Field>
      {kind === 'new' ? (
        <>
          <Field id="hw-disk-size" label="Size (GiB)" error={e.sizeGiB}>
            <input type="number" min={1} step={1} value={size} onChange={(ev) => setSize(ev.target.value)} />
          </Field>
          <Field id="hw-disk-format" label="Format">
            <select value={format} onChange={(ev) => setFormat(ev.target.value as 'qcow2' | 'raw')}>
              <option value="qcow2">qcow2 (thin, snapshots)</option><option value="raw">raw</option>
            </select>
          </Field>
        </>
      ) : chosenPool && (
        <VolumeSelect hostId={vm.hostId} pool={chosenPool} iso={kind === 'iso'} value={volume} onChange={setVolume} taken={taken} error={e.volume ?? e.iso} />
      )}
      <Field id="hw-disk-bus" label="Bus" error={e.bus}>
        <select value={bus} onChange={(ev) => setBus(ev.target.value)}>
          <option value="">default ({kind === 'iso' ? 'sata' : 'virtio'})</option>
          {(kind === 'iso' ? ['sata', 'ide'] : ['virtio', 'sata', 'scsi', 'ide']).map((x) => <option key={x} value={x}>{x}</option>)}
        </select>
      </Field>
    </EditDialog>
  );
}
