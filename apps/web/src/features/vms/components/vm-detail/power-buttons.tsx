// Power actions for one VM, enabled by its state. Stop and Reset act at once like pulling the
// plug or pressing reset, so they ask first; Shut down and Reboot ask the guest (ACPI).
// Without vm.power on the VM they stay in view, disabled, saying why.
import { useState } from 'react';
import type { VmDetail, VmState } from '@ferry/contract';
import { needs, useCanOnVm } from '../../../auth/can.ts';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { notify } from '../../../../components/toasts.tsx';
import { usePowerVm, type PowerAction } from '../../api/power-vm.ts';

interface ActionDef {
  action: PowerAction;
  label: string;
  when: readonly VmState[];
  confirm?: string;
}

const ACTIONS: ActionDef[] = [
  { action: 'start', label: 'Start', when: ['shutoff', 'crashed'] },
  { action: 'shutdown', label: 'Shut down', when: ['running'] },
  { action: 'reboot', label: 'Reboot', when: ['running'] },
  { action: 'suspend', label: 'Pause', when: ['running'] },
  { action: 'resume', label: 'Resume', when: ['paused'] },
  { action: 'stop', label: 'Stop', when: ['running', 'paused', 'pmsuspended', 'crashed', 'other'],
    confirm: 'Stopping pulls the plug at once: data the guest has not written is lost. To ask the guest to power off, use Shut down.' },
  { action: 'reset', label: 'Reset', when: ['running', 'paused'],
    confirm: 'Reset restarts the VM at once, like pressing its reset button: data the guest has not written is lost.' },
];

const PAST: Record<PowerAction, string> = {
  start: 'Starting', shutdown: 'Shutting down', reboot: 'Rebooting', suspend: 'Pausing',
  resume: 'Resuming', stop: 'Stopping', reset: 'Resetting',
};

export function PowerButtons({ vm }: { vm: VmDetail }) {
  const power = usePowerVm();
  const mayPower = useCanOnVm(vm)('vm.power');
  const [confirming, setConfirming] = useState<ActionDef | null>(null);
  const run = (action: PowerAction) => power.mutate({ vmId: vm.id, action }, {
    onSuccess: () => {
      setConfirming(null);
      notify(`${PAST[action]} ${vm.name}…`);
    },
    onError: (err) => {
      if (!confirming) notify(`${vm.name}: ${(err as { code?: string }).code ?? 'ERROR'} ${err.message}`, 'error', 8000);
    },
  });
  return (
    <div className="toolbar power-buttons" role="toolbar" aria-label="Power">
      {ACTIONS.map((a) => (
        <button key={a.action} type="button" id={`vm-${a.action}`} data-testid={`vm-${a.action}`}
          className={a.confirm ? 'danger-outline' : undefined}
          disabled={!mayPower || vm.template || !a.when.includes(vm.state) || power.isPending}
          title={mayPower ? undefined : needs('vm.power')}
          onClick={() => (a.confirm ? setConfirming(a) : run(a.action))}>
          {a.label}
        </button>
      ))}
      {confirming && (
        <ConfirmDialog title={`${confirming.label} ${vm.name}?`} confirmLabel={`${confirming.label} ${vm.name}`}
          busy={power.isPending} error={power.error} onConfirm={() => run(confirming.action)}
          onCancel={() => { setConfirming(null); power.reset(); }}>
          <p>{confirming.confirm}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
