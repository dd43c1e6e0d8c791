// Snapshot routes under /vms/:vmId/snapshots. Thin: the contract parsed the request; each
// handler calls its service, sets the status and the audit target.
//
// Permissions: reads need sys.read on the VM, changes vm.snapshot (Operators have it). Deleting
// only the metadata leaves data in the disk files that nothing lists any more, so it also needs
// vm.config and vm.delete on the VM — privileges only the Administrator role holds.
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { AppError } from '../../lib/app-error.ts';
import { getSnapshot, listSnapshots } from './snapshot-read.service.ts';
import { submitCreateSnapshot, type SnapshotDeps } from './snapshot-create.service.ts';
import { submitRevert } from './snapshot-revert.service.ts';
import { submitDeleteSnapshot } from './snapshot-delete.service.ts';
import { submitEditSnapshot } from './snapshot-edit.service.ts';
import { snapshotPublisher } from './snapshot-events.ts';

export async function snapshotsRoutes(app: FastifyInstance): Promise<void> {
  const deps: SnapshotDeps = { hosts: app.hosts, tasks: app.tasks, publish: snapshotPublisher(app) };

  registerRoute(app, routes.listSnapshots, async (req) => listSnapshots(deps, req.params.vmId));

  registerRoute(app, routes.getSnapshot, async (req) => getSnapshot(deps, req.params.vmId, req.params.name));

  registerRoute(app, routes.createSnapshot, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    req.auditDiff = { before: null, after: { snapshot: req.body } };
    const taskId = await submitCreateSnapshot(deps, req.params.vmId, req.body, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.editSnapshot, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    req.auditDiff = { before: null, after: { snapshot: req.params.name, description: req.body.description } };
    const taskId = await submitEditSnapshot(deps, req.params.vmId, req.params.name, req.body.description, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.revertSnapshot, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    req.auditDiff = { before: null, after: { revertTo: req.params.name, ...req.body } };
    const taskId = await submitRevert(deps, req.params.vmId, req.params.name, req.body, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.deleteSnapshot, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    const opts = { children: req.query.children === 'true', metadataOnly: req.query.metadataOnly === 'true' };
    if (opts.metadataOnly) {
      const path = `/vms/${req.params.vmId}`;
      const [config, del] = await Promise.all([app.authz.can(req.principal, 'vm.config', path), app.authz.can(req.principal, 'vm.delete', path)]);
      if (!config || !del) throw new AppError('FORBIDDEN', 'deleting only the metadata of a snapshot needs vm.config and vm.delete on the VM (Administrator)');
    }
    req.auditDiff = { before: { snapshot: req.params.name }, after: { deleted: true, ...opts } };
    const taskId = await submitDeleteSnapshot(deps, req.params.vmId, req.params.name, opts, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });
}
