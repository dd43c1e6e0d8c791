// Tasks over HTTP. A caller sees and cancels their own tasks; holders of sys.audit on `/` see
// everyone's, and holders of host.manage on a task's host may cancel it. A task the caller
// may not see answers 404, as if it did not exist; one they see but may not cancel, 403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FINISHED_TASK_STATES, routes } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../../lib/principal.ts';
import { registerRoute } from '../../lib/route.ts';
import type { TaskView } from './task-service.ts';

export async function tasksRoutes(app: FastifyInstance): Promise<void> {

  function principalOf(req: FastifyRequest): Principal {
    // The auth plugin refuses unauthenticated calls first; this guards a misconfigured tree.
    if (!req.principal) throw new AppError('UNAUTHENTICATED', 'authentication required');
    return req.principal;
  }

  async function seesAll(principal: Principal): Promise<boolean> {
    return app.authz.can(principal, 'sys.audit', '/');
  }

  async function visibleTask(req: FastifyRequest, taskId: string): Promise<{ task: TaskView; principal: Principal }> {
    const principal = principalOf(req);
    const task = app.tasks.get(taskId);
    if (!task || (task.userId !== principal.userId && !(await seesAll(principal)))) throw new AppError('NOT_FOUND', `no task ${taskId}`);
    return { task, principal };
  }

  registerRoute(app, routes.listTasks, async (req) => {
    const principal = principalOf(req);
    const { limit, offset, ...filters } = req.query;
    const all = await seesAll(principal);
    const { items, total } = app.tasks.list({ ...filters, ...(all ? {} : { userId: principal.userId }), limit, offset });
    return { items, total, limit, offset };
  });

  registerRoute(app, routes.getTask, async (req) => {
    const { task } = await visibleTask(req, req.params.taskId);
    const waitS = req.query.wait ?? 0;
    if (waitS === 0 || FINISHED_TASK_STATES.includes(task.state)) return task;
    return (await app.tasks.wait(task.id, waitS * 1000)) ?? task;
  });

  registerRoute(app, routes.getTaskLog, async (req) => {
    const { task } = await visibleTask(req, req.params.taskId);
    return { items: app.tasks.logLines(task.id, req.query.after ?? 0, req.query.limit) ?? [] };
  });

  registerRoute(app, routes.cancelTask, async (req) => {
    const { task, principal } = await visibleTask(req, req.params.taskId);
    if (task.userId !== principal.userId && !(await app.authz.can(principal, 'host.manage', task.hostId ? `/hosts/${task.hostId}` : '/'))) {
      throw new AppError('FORBIDDEN', 'only the task\'s owner, or host.manage on its host, may cancel it');
    }
    if (FINISHED_TASK_STATES.includes(task.state)) throw new AppError('INVALID_STATE', `the task has already finished (${task.state})`);
    if (!app.tasks.cancel(task.id, principal.userId)) {
      throw new AppError('INVALID_STATE', `a running ${task.type} task cannot be cancelled`);
    }
    return app.tasks.get(task.id) ?? task;
  });
}
