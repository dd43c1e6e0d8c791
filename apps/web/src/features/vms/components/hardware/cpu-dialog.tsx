// vCPUs, their topology (sockets × cores × threads must equal the vCPUs) and the CPU mode.
import { useState } from 'react';
import { Field } from '../../../../components/field.tsx';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { num, useEditForm, type EditChange } from './use-edit-form.ts';

const MODES = ['host-passthrough', 'host-model', 'custom'] as const;
type Mode = (typeof MODES)[number];

export function CpuDialog({ vm, onClose, onDone, onReload }: EditorProps) {
  const form = useEditForm(vm, onDone);
  const [vcpus, setVcpus] = useState(String(vm.vcpu.current));
  const [sockets, setSockets] = useState(String(vm.cpu.sockets));
  const [cores, setCores] = useState(String(vm.cpu.cores));
  const [threads, setThreads] = useState(String(vm.cpu.threads));
  const [mode, setMode] = useState(vm.cpu.mode);
  const [model, setModel] = useState(vm.cpu.model ?? '');
  const e = form.errors;

  const submit = () => {
    const [n, s, c, t] = [num(vcpus), num(sockets), num(cores), num(threads)];
    if ([n, s, c, t].every(Number.isInteger) && s * c * t !== n) {
      form.setErrors({ topology: `sockets × cores × threads is ${s * c * t}; it must equal the ${n} vCPUs` });
      return;
    }
    const modeChanged = mode !== vm.cpu.mode || (mode === 'custom' && model !== (vm.cpu.model ?? ''));
    const change: EditChange = {
      vcpus: n,
      cpu: { sockets: s, cores: c, threads: t, ...(modeChanged ? { mode: mode as Mode, ...(mode === 'custom' ? { model } : {}) } : {}) },
    };
    form.submit(change);
  };

  return (
    <EditDialog title="Processors" testId="edit-cpu" vm={vm} form={form} onSubmit={submit} onClose={onClose} onReload={onReload}>
      <Field id="hw-vcpus" label="vCPUs" error={e.vcpus}>
        <input type="number" min={1} max={512} value={vcpus} onChange={(ev) => setVcpus(ev.target.value)} />
      </Field>
      <fieldset className="hw-topology" aria-describedby={e.topology ? 'hw-topology-error' : undefined}>
        <legend>Topology</legend>
        <Field id="hw-sockets" label="Sockets" error={e['cpu.sockets']}>
          <input type="number" min={1} max={16} value={sockets} onChange={(ev) => setSockets(ev.target.value)} />
        </Field>
        <Field id="hw-cores" label="Cores per socket" error={e['cpu.cores']}>
          <input type="number" min={1} max={256} value={cores} onChange={(ev) => setCores(ev.target.value)} />
        </Field>
        <Field id="hw-threads" label="Threads per core" error={e['cpu.threads']}>
          <input type="number" min={1} max={8} value={threads} onChange={(ev) => setThreads(ev.target.value)} />
        </Field>
        {e.topology && <small id="hw-topology-error" className="field-error" role="alert">{e.topology}</small>}
      </fieldset>
      <Field id="hw-cpu-mode" label="CPU mode" error={e['cpu.mode'] ?? e.cpu}>
        <select value={mode} onChange={(ev) => setMode(ev.target.value)}>
          {!(MODES as readonly string[]).includes(vm.cpu.mode) && <option value={vm.cpu.mode}>{vm.cpu.mode} (current)</option>}
          {MODES.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      {mode === 'custom' && (
        <Field id="hw-cpu-model" label="CPU model" error={e['cpu.model']} hint="A QEMU CPU model name such as Skylake-Client">
          <input value={model} onChange={(ev) => setModel(ev.target.value)} />
        </Field>
      )}
    </EditDialog>
  );
}
