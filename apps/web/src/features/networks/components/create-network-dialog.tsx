// A new virtual network on the host: NAT (the default: a free /24 and DHCP over it are filled
// in, so a name is all it needs), isolated, or bridged to an existing host bridge. The DHCP
// range follows the address until it is edited. Checked with the contract's rules first;
// the server's refusals show by their code.
import { useState, type FormEvent } from 'react';
import type { Network } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { useCreateNetwork } from '../api/create-network.ts';
import { buildNetworkBody, initialNetworkForm, MODES, shownRange, validateNetwork, type NetworkForm } from './network-form-model.ts';

interface CreateNetworkDialogProps {
  hostId: string;
  /** The host's networks as known: a free subnet is picked among them, and clashes are caught. */
  networks: readonly Network[];
  onClose: () => void;
}

export function CreateNetworkDialog({ hostId, networks, onClose }: CreateNetworkDialogProps) {
  const create = useCreateNetwork();
  const [form, setForm] = useState<NetworkForm>(() => initialNetworkForm(networks));
  const [touched, setTouched] = useState(false);
  const set = <K extends keyof NetworkForm>(key: K, value: NetworkForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const all = validateNetwork(form, networks);
  const errors = touched ? all : {};
  const range = shownRange(form);
  const routed = form.mode !== 'bridge';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(all).length > 0) return;
    create.mutate({ hostId, body: buildNetworkBody(form) }, { onSuccess: onClose });
  };
  return (
    <Dialog title="New network" onClose={onClose} testId="create-network-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="create-network-form" className="primary" id="create-network-submit" disabled={create.isPending}>Create network</button>
      </>
    }>
      <form id="create-network-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="network-name" label="Name" error={errors.name} hint="Letters, digits, . _ -; e.g. lab-nat">
          <input value={form.name} autoComplete="off" spellCheck={false} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <fieldset className="wizard-step choice-list">
          <legend className="label">Kind</legend>
          {MODES.map((m) => (
            <label key={m.mode} className="radio choice">
              <input type="radio" name="network-mode" id={`network-mode-${m.mode}`} value={m.mode} checked={form.mode === m.mode}
                aria-describedby={`network-mode-${m.mode}-desc`} onChange={() => set('mode', m.mode)} />
              <span><strong>{m.label}</strong> <span id={`network-mode-${m.mode}-desc`} className="muted">{m.description}</span></span>
            </label>
          ))}
        </fieldset>
        {routed ? (
          <>
            <Field id="network-ipv4" label="Host address and prefix" error={errors.ipv4}
              hint="The host's address on the network and the subnet's size; guests use it as their gateway.">
              <input value={form.ipv4} autoComplete="off" spellCheck={false} placeholder="192.168.100.1/24" onChange={(e) => set('ipv4', e.target.value)} />
            </Field>
            <label className="checkbox">
              <input type="checkbox" id="network-dhcp" checked={form.dhcp} onChange={(e) => set('dhcp', e.target.checked)} />
              Hand out addresses (DHCP)
            </label>
            {form.dhcp && (
              <div className="field-group">
                <div className="field-pair">
                  <Field id="network-dhcp-start" label="DHCP from" error={errors.dhcpStart}>
                    <input value={range.start} autoComplete="off" spellCheck={false} onChange={(e) => set('dhcpStart', e.target.value)} />
                  </Field>
                  <Field id="network-dhcp-end" label="DHCP to" error={errors.dhcpEnd}>
                    <input value={range.end} autoComplete="off" spellCheck={false} onChange={(e) => set('dhcpEnd', e.target.value)} />
                  </Field>
                </div>
                {errors.dhcpRange && <small className="field-error" role="alert" data-testid="network-dhcp-range-error">{errors.dhcpRange}</small>}
                <Field id="network-dhcp-hosts" label="Fixed addresses (optional)" error={errors.dhcpHosts}
                  hint="One guest per line: its MAC address, the address it always gets, and a host name if you like, e.g. 52:54:00:12:34:56 192.168.100.10 db">
                  <textarea value={form.dhcpHosts} rows={3} autoComplete="off" spellCheck={false} onChange={(e) => set('dhcpHosts', e.target.value)} />
                </Field>
              </div>
            )}
            <details className="more-options" open={Boolean(errors.bridge ?? errors.domain)}>
              <summary>More options</summary>
              <div className="wizard-step">
                <Field id="network-bridge" label="Bridge name (optional)" error={errors.bridge} hint="The bridge libvirt creates for it; virbrN when left empty.">
                  <input value={form.bridge} autoComplete="off" spellCheck={false} placeholder="virbrN" onChange={(e) => set('bridge', e.target.value)} />
                </Field>
                <Field id="network-domain" label="DNS domain (optional)" error={errors.domain} hint="Guests' names resolve under it, on this network only.">
                  <input value={form.domain} autoComplete="off" spellCheck={false} placeholder="lab.example" onChange={(e) => set('domain', e.target.value)} />
                </Field>
              </div>
            </details>
          </>
        ) : (
          <Field id="network-bridge" label="Host bridge" error={errors.bridge} hint="An existing bridge on the host, such as br0; Ferry does not create it.">
            <input value={form.bridge} autoComplete="off" spellCheck={false} placeholder="br0" onChange={(e) => set('bridge', e.target.value)} />
          </Field>
        )}
        <div className="toolbar">
          <label className="checkbox">
            <input type="checkbox" id="new-network-start" checked={form.start} onChange={(e) => set('start', e.target.checked)} />
            Start now
          </label>
          <label className="checkbox">
            <input type="checkbox" id="new-network-autostart" checked={form.autostart} onChange={(e) => set('autostart', e.target.checked)} />
            Start with the host
          </label>
        </div>
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
