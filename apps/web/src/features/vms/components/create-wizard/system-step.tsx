import { Field } from '../../../../components/field.tsx';
import type { StepProps } from './step-props.ts';

export function SystemStep({ form, set, errors, showErrors }: StepProps) {
  return (
    <fieldset className="wizard-step">
      <legend>CPU, memory and firmware</legend>
      <Field id="wizard-vcpus" label="vCPUs" error={showErrors ? errors.vcpus : undefined}>
        <input type="number" min={1} max={512} value={form.vcpus} onChange={(e) => set('vcpus', Number(e.target.value))} />
      </Field>
      <Field id="wizard-memory" label="Memory (MiB)" error={showErrors ? errors.memoryMiB : undefined}>
        <input type="number" min={16} step={256} value={form.memoryMiB} onChange={(e) => set('memoryMiB', Number(e.target.value))} />
      </Field>
      <Field id="wizard-firmware" label="Firmware" hint="UEFI needs OVMF on the host.">
        <select value={form.firmware} onChange={(e) => set('firmware', e.target.value as 'bios' | 'uefi')}>
          <option value="bios">BIOS (SeaBIOS)</option>
          <option value="uefi">UEFI (OVMF)</option>
        </select>
      </Field>
      <p className="muted">Ferry picks the virtualization type: KVM where the host CPU supports it, otherwise emulation (TCG).</p>
    </fieldset>
  );
}
