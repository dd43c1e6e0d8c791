// /users and /users/:id (users.manage on `/`).
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { requirePrincipal } from '../../plugins/auth.ts';
import { createUsersService } from './users.service.ts';

export async function usersRoutes(app: FastifyInstance): Promise<void> {
  const users = createUsersService({
    db: app.db,
    now: app.auth.now,
    endSessions: (userId, except) => app.auth.sessions.destroyAllFor(userId, except),
    notifyDisabled: (userId) => app.auth.notifyUserDisabled(userId),
  });

  registerRoute(app, routes.listUsers, async () => ({ items: users.list() }));

  registerRoute(app, routes.createUser, async (req, reply) => {
    const user = await users.create(req.body);
    req.auditTarget = `user:${user.id}`;
    reply.code(201);
    return user;
  });

  registerRoute(app, routes.getUser, async (req) => users.get(req.params.id));

  registerRoute(app, routes.updateUser, async (req) => {
    const before = users.get(req.params.id);
    const after = await users.update(requirePrincipal(req), req.params.id, req.body);
    // The audit diff shows the flag; a password change shows only as updatedAt.
    req.auditDiff = { before, after };
    return after;
  });

  registerRoute(app, routes.deleteUser, async (req, reply) => {
    users.delete(requirePrincipal(req), req.params.id);
    reply.code(204);
    return null;
  });
}
