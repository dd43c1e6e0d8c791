// Add a network card, or change one: its network (or host bridge), model and link state.
// A change sends only what differs; libvirt cannot change a running guest's NIC model live.
import { useState } from 'react';
import { NicModelSchema, NicSpecSchema, type NicSpec } from '@ferry/contract';
import { Field } from '../../../../components/field.tsx';
import { useNetworks } from '../../../networks/api/get-networks.ts';
import { EditDialog } from './edit-dialog.tsx';
import type { EditorProps } from './editor-props.ts';
import { issuesByPath } from '../../../../lib/form-issues.ts';
import { useEditForm } from './use-edit-form.ts';

const MODELS = NicModelSchema.options;
type Model = (typeof MODELS)[number];

export function NicDialog({ vm, mac, onClose, onDone, onReload }: EditorProps & { mac?: string }) {
  const form = useEditForm(vm, onDone);
  const nic = mac ? vm.nics.find((n) => n.mac === mac) : undefined;
  const networks = useNetworks(vm.hostId);
  const [via, setVia] = useState<'network' | 'bridge'>(nic?.bridge ? 'bridge' : 'network');
  const [network, setNetwork] = useState(nic?.network ?? '');
  const [bridge, setBridge] = useState(nic?.bridge ?? '');
  const [model, setModel] = useState<string>(nic?.model ?? 'virtio');
  const [link, setLink] = useState<'up' | 'down'>(nic?.link ?? 'up');
  const chosenNetwork = network || networks.data?.find((n) => n.name === 'default')?.name || networks.data?.[0]?.name || '';
  const e = form.errors;

  const submit = () => {
    const source = via === 'network' ? { network: chosenNetwork } : { bridge };
    if (!nic) {
      const parsed = NicSpecSchema.safeParse({ ...source, model, link });
      if (!parsed.success) return form.setErrors(issuesByPath(parsed.error.issues));
      return form.submit({ nics: { add: [parsed.data as NicSpec] } });
    }
    const sourceChanged = via === 'network' ? chosenNetwork !== nic.network : bridge !== nic.bridge;
    const update = {
      mac: nic.mac,
      ...(sourceChanged ? source : {}),
      ...(model !== nic.model ? { model: model as Model } : {}),
      ...(link !== nic.link ? { link } : {}),
    };
    if (Object.keys(update).length === 1) return form.setErrors({ '': 'Nothing changed.' });
    form.submit({ nics: { update: [update] } });
  };

  return (
    <EditDialog title={nic ? `Network card ${nic.mac}` : 'Add a network card'} testId={nic ? 'edit-nic' : 'edit-nic-add'} vm={vm} form={form}
      onSubmit={submit} onClose={onClose} onReload={onReload} submitLabel={nic ? 'Apply' : 'Add network card'}>
      <fieldset>
        <legend>Connected to</legend>
        <label className="radio"><input type="radio" name="hw-nic-via" id="hw-nic-via-network" checked={via === 'network'} onChange={() => setVia('network')} /> a libvirt network</label>
        <label className="radio"><input type="radio" name="hw-nic-via" id="hw-nic-via-bridge" checked={via === 'bridge'} onChange={() => setVia('bridge')} /> a host bridge</label>
      </fieldset>
      {via === 'network' ? (
        <Field id="hw-nic-network" label="Network" error={e.network ?? e['nics.update.0.network']}>
          <select value={chosenNetwork} onChange={(ev) => setNetwork(ev.target.value)}>
            {networks.data?.map((n) => <option key={n.name} value={n.name}>{n.name}{n.active ? '' : ' (inactive)'}</option>)}
          </select>
        </Field>
      ) : (
        <Field id="hw-nic-bridge" label="Bridge" error={e.bridge ?? e['nics.update.0.bridge']} hint="A Linux bridge on the host, such as br0">
          <input value={bridge} onChange={(ev) => setBridge(ev.target.value)} />
        </Field>
      )}
      <Field id="hw-nic-model" label="Model" error={e.model} hint={nic && vm.state === 'running' ? 'A new model takes effect at the next boot.' : undefined}>
        <select value={model} onChange={(ev) => setModel(ev.target.value)}>
          {nic?.model && !(MODELS as readonly string[]).includes(nic.model) && <option value={nic.model}>{nic.model}</option>}
          {MODELS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      <Field id="hw-nic-link" label="Link" error={e.link}>
        <select value={link} onChange={(ev) => setLink(ev.target.value as 'up' | 'down')}>
          <option value="up">up (cable plugged in)</option><option value="down">down (cable unplugged)</option>
        </select>
      </Field>
    </EditDialog>
  );
}
