import type { Network } from '@ferry/contract';
import { Field } from '../../../../components/field.tsx';
import type { StepProps } from './step-props.ts';

export function NetworkStep({ form, set, networks }: StepProps & { networks: readonly Network[] }) {
  return (
    <fieldset className="wizard-step">
      <legend>Network</legend>
      <Field id="wizard-network" label="Network" hint="A virtio network card on this libvirt network.">
        <select value={form.network} onChange={(e) => set('network', e.target.value)}>
          <option value="">no network card</option>
          {networks.filter((n) => n.active).map((n) => <option key={n.name} value={n.name}>{n.name} ({n.mode})</option>)}
        </select>
      </Field>
    </fieldset>
  );
}
