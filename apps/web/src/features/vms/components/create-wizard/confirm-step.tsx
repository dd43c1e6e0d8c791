import type { Host } from '@ferry/contract';
import { formatMiB } from '../../../../lib/format-units.ts';
import type { StepProps } from './step-props.ts';
import { parseTags } from './wizard-model.ts';

export function ConfirmStep({ form, set, hosts }: StepProps & { hosts: readonly Host[] }) {
  const disk = form.disk === 'new' ? `new ${form.diskSizeGiB} GiB qcow2 in ${form.diskPool}`
    : form.disk === 'existing' ? `${form.diskVolume} in ${form.diskPool}` : 'none';
  const rows: [string, string][] = [
    ['Name', form.name.trim()],
    ['Host', hosts.find((h) => h.id === form.hostId)?.name ?? form.hostId],
    ['vCPUs', String(form.vcpus)],
    ['Memory', formatMiB(form.memoryMiB)],
    ['Firmware', form.firmware.toUpperCase()],
    ['System disk', disk],
    ['Installation ISO', form.iso || 'none'],
    ['Network', form.network || 'none'],
    ['Tags', parseTags(form.tags).join(', ') || 'none'],
  ];
  return (
    <fieldset className="wizard-step">
      <legend>Confirm</legend>
      <dl className="props" data-testid="wizard-summary">
        {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
      <label className="checkbox">
        <input type="checkbox" id="wizard-start" checked={form.start} onChange={(e) => set('start', e.target.checked)} />
        Start after creating
      </label>
    </fieldset>
  );
}
