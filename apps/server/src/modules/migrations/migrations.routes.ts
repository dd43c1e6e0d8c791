// Migration routes under /vms/:vmId/migrate. Thin: the contract parsed the request; the
// pre-flight answers directly, the migration is a task (202). Both need vm.migrate (Operators).
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { fromLibvirt } from '../../lib/app-error.ts';
import { runPreflight } from './migration-preflight.ts';
import { submitMigration, type MigrationDeps } from './migration.service.ts';

export async function migrationsRoutes(app: FastifyInstance): Promise<void> {
  const deps: MigrationDeps = { hosts: app.hosts, tasks: app.tasks };

  registerRoute(app, routes.migratePreflight, async (req) => {
    const { host: source, conn } = await app.hosts.findVm(req.params.vmId);
    const target = app.hosts.get(req.query.targetHostId);
    try {
      return (await runPreflight({ source, sourceConn: conn, target, uuid: req.params.vmId, options: req.query.storage ? { storage: req.query.storage } : {} })).result;
    } catch (e) {
      throw fromLibvirt(e, 'the migration pre-flight');
    }
  });

  registerRoute(app, routes.migrateVm, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    req.auditDiff = { before: null, after: { migrate: req.body } };
    const taskId = await submitMigration(deps, req.params.vmId, req.body, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });
}
