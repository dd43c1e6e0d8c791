// Power actions on a VM. Each answers 202 {taskId}; actions on one VM run one at a time, in
// order. An action that finds the VM already in its target state succeeds as a no-op with
// `changed: false` when it was queued behind others, and is refused with 409 INVALID_STATE
// when nothing else was pending (the caller's request was simply wrong).
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { EmptySchema, TaskAcceptedSchema, UuidSchema } from './common.ts';

export const VM_STATES = ['running', 'paused', 'shutoff', 'crashed', 'pmsuspended', 'other'] as const;
export const VmStateSchema = z.enum(VM_STATES);
export type VmState = z.infer<typeof VmStateSchema>;

export const ShutdownBodySchema = z.strictObject({
  /** Seconds to wait for the guest to power off after the ACPI request (default 60). */
  timeoutS: z.number().int().min(1).max(3600).optional(),
  /** Pull the plug when the guest did not power off in time. */
  force: z.boolean().optional(),
}).meta({ id: 'ShutdownBody' });

/** A power task's result. */
export const PowerResultSchema = z.object({
  changed: z.boolean(),
  state: VmStateSchema,
  note: z.string().optional(),
}).meta({ id: 'PowerResult' });

const VmParams = z.strictObject({ vmId: UuidSchema });
const power = (action: string, summary: string, body: z.ZodType = EmptySchema) => defineRoute({
  method: 'POST', path: `/vms/:vmId/${action}`, summary, tags: ['vms'],
  permission: { kind: 'privilege', privilege: 'vm.power', scope: '/vms/:vmId' },
  params: VmParams, body,
  responses: { 202: TaskAcceptedSchema },
});

export const vmPowerRoutes = {
  startVm: power('start', 'Start (boot) the VM'),
  shutdownVm: power('shutdown', 'Ask the guest to power off (ACPI), optionally forcing it after a timeout', ShutdownBodySchema),
  stopVm: power('stop', 'Power the VM off at once (pull the plug)'),
  rebootVm: power('reboot', 'Ask the guest to reboot (ACPI)'),
  resetVm: power('reset', 'Reset the VM at once (press the reset button)'),
  suspendVm: power('suspend', 'Pause the VM\'s vCPUs'),
  resumeVm: power('resume', 'Resume a paused VM'),
};
