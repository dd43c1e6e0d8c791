// /acl: grants of a role on a path (users.manage on `/`).
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { createGrant, deleteGrant, listGrants } from './acl.service.ts';

export async function aclRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.listGrants, async (req) => ({ items: listGrants(app.db, { userId: req.query.userId }) }));

  registerRoute(app, routes.createGrant, async (req, reply) => {
    const grant = createGrant(app.db, req.body, app.auth.now);
    req.auditTarget = `grant:${grant.id}`;
    req.auditDiff = { before: null, after: grant };
    reply.code(201);
    return grant;
  });

  registerRoute(app, routes.deleteGrant, async (req, reply) => {
    deleteGrant(app.db, req.params.id);
    reply.code(204);
    return null;
  });
}
