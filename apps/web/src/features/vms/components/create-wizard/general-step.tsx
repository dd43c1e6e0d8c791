import type { Host } from '@ferry/contract';
import { Field } from '../../../../components/field.tsx';
import type { StepProps } from './step-props.ts';

export function GeneralStep({ form, set, errors, showErrors, hosts }: StepProps & { hosts: readonly Host[] }) {
  return (
    <fieldset className="wizard-step">
      <legend>General</legend>
      <Field id="wizard-name" label="Name" error={showErrors ? errors.name : undefined} hint="Letters, digits, dot, dash and underscore.">
        <input autoFocus value={form.name} maxLength={63} onChange={(e) => set('name', e.target.value)} />
      </Field>
      <Field id="wizard-host" label="Host">
        <select value={form.hostId} onChange={(e) => set('hostId', e.target.value)}>
          {hosts.map((h) => <option key={h.id} value={h.id} disabled={h.state !== 'connected'}>{h.name}{h.state !== 'connected' ? ` (${h.state})` : ''}</option>)}
        </select>
      </Field>
      <Field id="wizard-description" label="Description" error={showErrors ? errors.description : undefined}>
        <textarea rows={2} maxLength={2000} value={form.description} onChange={(e) => set('description', e.target.value)} />
      </Field>
      <Field id="wizard-tags" label="Tags" error={showErrors ? errors.tags : undefined} hint="Separated by spaces or commas.">
        <input value={form.tags} onChange={(e) => set('tags', e.target.value)} />
      </Field>
    </fieldset>
  );
}
