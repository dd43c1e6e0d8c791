// The options POST /vms/:vmId/migrate accepts, as labelled controls. Live, auto-converge and
// post-copy apply to a running guest only, and are disabled otherwise.
import { Field } from '../../../components/field.tsx';
import type { MigrateForm, NumberField } from './migrate-model.ts';

interface Props {
  form: MigrateForm;
  running: boolean;
  errors: Partial<Record<keyof MigrateForm, string>>;
  onChange: (f: MigrateForm) => void;
}

const NUMBERS: { key: NumberField; label: string; hint: string }[] = [
  { key: 'bandwidthMiBps', label: 'Bandwidth limit (MiB/s)', hint: 'Empty: no limit' },
  { key: 'maxDowntimeMs', label: 'Longest pause (ms)', hint: "Empty: libvirt's 300 ms" },
  { key: 'timeoutS', label: 'Give up after (s)', hint: 'Empty: no time limit' },
];

export function MigrateOptions({ form, running, errors, onChange }: Props) {
  const check = (key: 'live' | 'autoConverge' | 'postCopy' | 'persistent' | 'undefineSource', label: string, liveOnly = false) => (
    <label className="checkbox">
      <input type="checkbox" id={`migrate-${key}`} checked={form[key] && (!liveOnly || running)} disabled={liveOnly && !running}
        onChange={(e) => onChange({ ...form, [key]: e.target.checked })} />
      {label}
    </label>
  );
  return (
    <fieldset className="wizard-step" data-testid="migrate-options">
      <legend>Options</legend>
      <div role="radiogroup" aria-label="Storage" className="toolbar">
        <label className="radio">
          <input type="radio" name="migrate-storage" id="migrate-storage-shared" checked={form.storage === 'shared'} onChange={() => onChange({ ...form, storage: 'shared' })} />
          Shared storage (the disks are reachable on the target at the same paths)
        </label>
        <label className="radio">
          <input type="radio" name="migrate-storage" id="migrate-storage-copy" checked={form.storage === 'copy'} onChange={() => onChange({ ...form, storage: 'copy' })} />
          Copy the disks along
        </label>
      </div>
      {check('live', running ? 'Live: keep the guest running while its memory is copied' : 'Live (the VM is not running: it moves offline)', true)}
      {check('autoConverge', 'Auto-converge: slow the guest down if its memory changes faster than it is copied', true)}
      {check('postCopy', 'Post-copy: switch over early and fetch the remaining memory on demand', true)}
      {check('persistent', 'Define the VM on the target')}
      {check('undefineSource', 'Remove the definition from this host afterwards')}
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 10 }}>
        {NUMBERS.map((n) => (
          <Field key={n.key} id={`migrate-${n.key}`} label={n.label} hint={n.hint} error={errors[n.key]}>
            <input inputMode="numeric" value={form[n.key]} onChange={(e) => onChange({ ...form, [n.key]: e.target.value })} />
          </Field>
        ))}
      </div>
    </fieldset>
  );
}
