// Installation medium (an ISO from a pool, optional) and the system disk: new, existing or none.
import type { StoragePool } from '@ferry/contract';
import { Field } from '../../../../components/field.tsx';
import { useVolumes } from '../../../storage/api/get-volumes.ts';
import type { StepProps } from './step-props.ts';

function VolumeSelect({ hostId, pool, value, onChange, isos }: { hostId: string; pool: string; value: string; onChange: (v: string) => void; isos: boolean }) {
  const volumes = useVolumes(hostId, pool);
  const list = (volumes.data ?? []).filter((v) => (isos ? v.format === 'iso' || v.name.endsWith('.iso') : v.format !== 'iso'));
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} disabled={!pool}>
      <option value="">{isos ? 'none' : 'choose…'}</option>
      {list.map((v) => <option key={v.name} value={v.name}>{v.name}</option>)}
    </select>
  );
}

export function DisksStep({ form, set, errors, showErrors, pools }: StepProps & { pools: readonly StoragePool[] }) {
  const active = pools.filter((p) => p.active);
  const poolOptions = active.map((p) => <option key={p.name} value={p.name}>{p.name}</option>);
  return (
    <fieldset className="wizard-step">
      <legend>Disks</legend>
      <Field id="wizard-iso-pool" label="ISO image pool">
        <select value={form.isoPool} onChange={(e) => set('isoPool', e.target.value)}>{poolOptions}</select>
      </Field>
      <Field id="wizard-iso" label="Installation ISO" hint="Attached as a CD-ROM. Upload ISOs to a pool first.">
        <VolumeSelect hostId={form.hostId} pool={form.isoPool} value={form.iso} onChange={(v) => set('iso', v)} isos />
      </Field>
      <div className="field" role="radiogroup" aria-labelledby="wizard-disk-label">
        <span id="wizard-disk-label" className="label">System disk</span>
        {(['new', 'existing', 'none'] as const).map((k) => (
          <label key={k} className="radio">
            <input type="radio" name="wizard-disk" id={`wizard-disk-${k}`} value={k} checked={form.disk === k}
              disabled={k !== 'none' && active.length === 0} onChange={() => set('disk', k)} />
            {{ new: 'New disk', existing: 'Existing volume', none: 'No disk' }[k]}
          </label>
        ))}
      </div>
      {form.disk !== 'none' && (
        <Field id="wizard-disk-pool" label="Storage pool" error={showErrors ? errors.diskPool : undefined}>
          <select value={form.diskPool} onChange={(e) => set('diskPool', e.target.value)}>{poolOptions}</select>
        </Field>
      )}
      {form.disk === 'new' && (
        <Field id="wizard-disk-size" label="Size (GiB)" error={showErrors ? errors.diskSizeGiB : undefined} hint="Thin-provisioned qcow2: space is used as the guest writes.">
          <input type="number" min={1} max={65536} value={form.diskSizeGiB} onChange={(e) => set('diskSizeGiB', Number(e.target.value))} />
        </Field>
      )}
      {form.disk === 'existing' && (
        <Field id="wizard-disk-volume" label="Volume" error={showErrors ? errors.diskVolume : undefined}>
          <VolumeSelect hostId={form.hostId} pool={form.diskPool} value={form.diskVolume} onChange={(v) => set('diskVolume', v)} isos={false} />
        </Field>
      )}
    </fieldset>
  );
}
