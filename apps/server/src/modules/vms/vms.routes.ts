// VM routes: list, detail, create, edit, delete, clone, template, bulk power. Thin: each parses
// (the contract did), calls its service, sets the status and the audit target.
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { VmCatalog } from './vm-catalog.ts';
import { submitCreate } from './vm-create.service.ts';
import { getVmDetail } from './vm-detail.service.ts';
import { listVms } from './vm-list.service.ts';
import { submitEdit } from './vm-edit.service.ts';
import { submitDelete } from './vm-delete.service.ts';
import { submitClone } from './vm-clone.service.ts';
import { submitTemplate } from './vm-template.service.ts';
import { submitBulkPower } from './vm-power.service.ts';

export async function vmsRoutes(app: FastifyInstance): Promise<void> {
  const catalog = new VmCatalog((listener) => app.domainEvents.on(listener));
  const deps = { hosts: app.hosts, tasks: app.tasks, catalog };

  registerRoute(app, routes.listVms, async (req) => {
    const all = await listVms(deps, req.query);
    return { items: app.authz.filterVisibleVms(req.principal, 'sys.read', all, (vm) => ({ uuid: vm.id, hostId: vm.hostId })) };
  });

  registerRoute(app, routes.getVm, async (req) => getVmDetail(deps, req.params.vmId));

  registerRoute(app, routes.createVm, async (req, reply) => {
    const accepted = await submitCreate(deps, req.body, req.principal?.userId ?? null);
    req.auditTarget = `vm:${accepted.vmId}`;
    req.auditDiff = { before: null, after: req.body };
    reply.code(202);
    return accepted;
  });

  registerRoute(app, routes.editVm, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    const { digest, ...change } = req.body;
    req.auditDiff = { before: { digest }, after: change };
    const taskId = await submitEdit(deps, req.params.vmId, req.body, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.deleteVm, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    const opts = { volumes: req.query.volumes === 'true', snapshots: req.query.snapshots === 'true' };
    const taskId = await submitDelete(deps, req.params.vmId, opts, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.cloneVm, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    const accepted = await submitClone(deps, req.params.vmId, req.body, req.principal?.userId ?? null);
    req.auditDiff = { before: null, after: { ...req.body, vmId: accepted.vmId } };
    reply.code(202);
    return accepted;
  });

  registerRoute(app, routes.templateVm, async (req, reply) => {
    req.auditTarget = `vm:${req.params.vmId}`;
    const taskId = await submitTemplate(deps, req.params.vmId, req.principal?.userId ?? null);
    reply.code(202);
    return { taskId };
  });

  registerRoute(app, routes.bulkPower, async (req) => {
    req.auditTarget = `vms:${req.body.vmIds.length}`;
    const { action, vmIds, ...opts } = req.body;
    return { results: await submitBulkPower(app, req.principal, action, vmIds, opts) };
  });
}
