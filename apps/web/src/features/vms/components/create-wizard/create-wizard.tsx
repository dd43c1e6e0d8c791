// The create wizard: General → Disks → System → Network → Confirm. Every field but the name has
// a working default, so "Create VM", a name, "Review", "Create" makes a VM. On success it
// goes to the new VM's page; the create task shows in the task panel.
import { useEffect, useMemo, useState } from 'react';
import type { Host } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { notify } from '../../../../components/toasts.tsx';
import { navigate } from '../../../../lib/router.tsx';
import { useHosts } from '../../../hosts/api/get-hosts.ts';
import { useNetworks } from '../../../networks/api/get-networks.ts';
import { usePools } from '../../../storage/api/get-pools.ts';
import { useCreateVm } from '../../api/create-vm.ts';
import { ConfirmStep } from './confirm-step.tsx';
import { DisksStep } from './disks-step.tsx';
import { GeneralStep } from './general-step.tsx';
import { NetworkStep } from './network-step.tsx';
import { SystemStep } from './system-step.tsx';
import { buildBody, hostDefaults, initialForm, validate, type WizardForm } from './wizard-model.ts';

const STEPS = ['General', 'Disks', 'System', 'Network', 'Confirm'] as const;
const LAST = STEPS.length - 1;

const firstUsableHost = (hosts: readonly Host[], wanted?: string) =>
  hosts.find((h) => h.id === wanted)?.id ?? hosts.find((h) => h.state === 'connected')?.id ?? hosts[0]?.id ?? '';

export function CreateWizard({ hostId, onClose }: { hostId?: string; onClose: () => void }) {
  const hosts = useHosts();
  const [form, setForm] = useState<WizardForm>(() => initialForm(firstUsableHost(hosts.data ?? [], hostId)));
  const [step, setStep] = useState(0);
  const [tried, setTried] = useState(false);
  const [defaultsFor, setDefaultsFor] = useState<string | null>(null);
  const pools = usePools(form.hostId, Boolean(form.hostId));
  const networks = useNetworks(form.hostId, Boolean(form.hostId));
  const create = useCreateVm();

  const set = <K extends keyof WizardForm>(key: K, value: WizardForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  // Hosts may arrive after the wizard opened; each host's pools and networks give new defaults.
  useEffect(() => {
    if (!form.hostId && hosts.data?.length) set('hostId', firstUsableHost(hosts.data, hostId));
  }, [form.hostId, hosts.data, hostId]);
  useEffect(() => {
    if (!form.hostId || defaultsFor === form.hostId || !pools.data || !networks.data) return;
    // A user's "No disk", chosen before the pools arrived, stands.
    setForm((f) => {
      const d = hostDefaults(pools.data, networks.data);
      return { ...f, ...d, disk: f.disk === 'none' ? 'none' : d.disk, iso: '', diskVolume: '' };
    });
    setDefaultsFor(form.hostId);
  }, [form.hostId, pools.data, networks.data, defaultsFor]);

  const errors = useMemo(() => validate(form), [form]);
  const valid = Object.keys(errors).length === 0;
  const generalValid = !errors.name && !errors.tags && !errors.description;

  const go = (to: number) => {
    if (to > step && step === 0 && !generalValid) {
      setTried(true);
      return;
    }
    setStep(to);
  };
  const submit = () => {
    setTried(true);
    if (!valid) return;
    create.mutate(buildBody(form), {
      onSuccess: ({ vmId }) => {
        notify(`Creating ${form.name.trim()}…`);
        onClose();
        navigate(`/vms/${vmId}`);
      },
    });
  };

  const props = { form, set, errors, showErrors: tried };
  const footer = (
    <>
      <button type="button" onClick={onClose}>Cancel</button>
      <span className="spacer" />
      {step > 0 && <button type="button" id="wizard-back" onClick={() => go(step - 1)}>Back</button>}
      {step < LAST && <button type="button" id="wizard-next" onClick={() => go(step + 1)}>Next</button>}
      {step < LAST && <button type="button" id="wizard-review" className="primary" onClick={() => go(LAST)}>Review</button>}
      {step === LAST && (
        <button type="button" id="wizard-create" className="primary" disabled={create.isPending || !valid} onClick={submit}>
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
      )}
    </>
  );

  return (
    <Dialog title="Create virtual machine" onClose={onClose} footer={footer} testId="create-wizard" wide>
      <div className="wizard">
        <ol className="wizard-nav" aria-label="Steps">
          {STEPS.map((s, i) => (
            <li key={s}>
              <button type="button" className={i === step ? 'active' : ''} aria-current={i === step ? 'step' : undefined}
                data-testid={`wizard-step-${s.toLowerCase()}`} onClick={() => go(i)}>
                {i + 1}. {s}
              </button>
            </li>
          ))}
        </ol>
        <form className="wizard-body" onSubmit={(e) => {
          e.preventDefault();
          if (step === LAST) submit();
          else go(step + 1);
        }}>
          {step === 0 && <GeneralStep {...props} hosts={hosts.data ?? []} />}
          {step === 1 && <DisksStep {...props} pools={pools.data ?? []} />}
          {step === 2 && <SystemStep {...props} />}
          {step === 3 && <NetworkStep {...props} networks={networks.data ?? []} />}
          {step === LAST && <ConfirmStep {...props} hosts={hosts.data ?? []} />}
          {step === LAST && tried && !valid && <p className="field-error" role="alert">{Object.values(errors)[0]}</p>}
          <ErrorMessage error={create.error} title="Could not create the VM" />
          <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
        </form>
      </div>
    </Dialog>
  );
}
