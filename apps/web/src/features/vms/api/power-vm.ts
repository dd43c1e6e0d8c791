// One power action on one VM: each answers 202 { taskId }; the state change arrives as an event.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { vmKeys } from './vm-keys.ts';

export const POWER_ACTIONS = ['start', 'shutdown', 'reboot', 'stop', 'reset', 'suspend', 'resume'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

const ROUTE = {
  start: 'startVm', shutdown: 'shutdownVm', reboot: 'rebootVm', stop: 'stopVm',
  reset: 'resetVm', suspend: 'suspendVm', resume: 'resumeVm',
} as const satisfies Record<PowerAction, string>;

export const powerVm = ({ vmId, action }: { vmId: string; action: PowerAction }) =>
  api(ROUTE[action], { params: { vmId }, body: {} });

export function usePowerVm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: powerVm,
    onSuccess: (_r, { vmId }) => {
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: vmKeys.detail(vmId) });
    },
  });
}
