import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { toHostDto } from './host-registry.ts';
import { hostReadiness } from './host-readiness.ts';

export async function hostsRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.listHosts, async (req) => {
    const visible = await app.authz.filterVisible(req.principal, 'sys.read', app.hosts.list(), (h) => `/hosts/${h.id}`);
    return { items: visible.map(toHostDto) };
  });

  registerRoute(app, routes.createHost, async (req, reply) => {
    const host = app.hosts.create(req.body);
    req.auditTarget = `host:${host.id}`;
    req.auditDiff = { before: null, after: host.record };
    reply.code(201);
    return toHostDto(host);
  });

  registerRoute(app, routes.getHost, async (req) => toHostDto(app.hosts.get(req.params.hostId)));

  registerRoute(app, routes.updateHost, async (req) => {
    const before = { ...app.hosts.get(req.params.hostId).record };
    const host = await app.hosts.update(req.params.hostId, req.body);
    req.auditDiff = { before, after: host.record };
    return toHostDto(host);
  });

  registerRoute(app, routes.deleteHost, async (req, reply) => {
    const before = { ...app.hosts.get(req.params.hostId).record };
    await app.hosts.remove(req.params.hostId);
    req.auditDiff = { before, after: null };
    reply.code(204);
    return null;
  });

  registerRoute(app, routes.getHostReadiness, async (req) => {
    const { acceleration, checks } = await hostReadiness(app.hosts.get(req.params.hostId));
    return { acceleration, checks };
  });
}
