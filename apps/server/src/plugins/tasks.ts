// The task queue as `app.tasks`. At every start, tasks a previous process left unfinished are
// marked `interrupted` before anything can submit new ones. On close, it drains in `preClose`:
// before the server waits for in-flight requests (long polls are answered at once) and before
// other plugins' onClose hooks stop what running tasks still use (the libvirt binding).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { TaskService } from '../modules/tasks/task-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    tasks: TaskService;
  }
}

export default fp(async function tasks(app: FastifyInstance) {
  const service = new TaskService({ db: app.db, log: app.log.child({ module: 'tasks' }) });
  const interrupted = service.markInterrupted();
  if (interrupted > 0) app.log.warn({ interrupted }, 'tasks left unfinished by the previous run were marked interrupted');
  service.startPruning();
  app.decorate('tasks', service);
  app.addHook('preClose', async () => {
    await service.close();
  });
}, { name: 'tasks', decorators: { fastify: ['db'] } });
