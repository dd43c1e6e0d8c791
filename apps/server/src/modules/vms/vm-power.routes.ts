import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { submitPowerAction, type PowerAction } from './vm-power.service.ts';

const ACTIONS: ReadonlyArray<[PowerAction, (typeof routes)[keyof typeof routes]]> = [
  ['start', routes.startVm], ['shutdown', routes.shutdownVm], ['stop', routes.stopVm], ['reboot', routes.rebootVm],
  ['reset', routes.resetVm], ['suspend', routes.suspendVm], ['resume', routes.resumeVm],
];

export async function vmPowerRoutes(app: FastifyInstance): Promise<void> {
  for (const [action, def] of ACTIONS) {
    registerRoute(app, def as typeof routes.shutdownVm, async (req, reply) => {
      req.auditTarget = `vm:${req.params.vmId}`;
      const taskId = await submitPowerAction(app, req.params.vmId, action, req.body ?? {}, req.principal?.userId ?? null);
      reply.code(202);
      return { taskId };
    });
  }
}
