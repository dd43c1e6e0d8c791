// /tokens: each signed-in user manages their own API tokens.
import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { requirePrincipal } from '../../plugins/auth.ts';

export async function tokensRoutes(app: FastifyInstance): Promise<void> {
  const { tokens } = app.auth;

  registerRoute(app, routes.listTokens, async (req) => ({ items: tokens.list(requirePrincipal(req).userId) }));

  registerRoute(app, routes.createToken, async (req, reply) => {
    const created = tokens.create(requirePrincipal(req), req.body);
    req.auditTarget = `token:${created.id}`;
    reply.code(201);
    return created;
  });

  registerRoute(app, routes.revokeToken, async (req, reply) => {
    tokens.revoke(requirePrincipal(req).userId, req.params.id);
    reply.code(204);
    return null;
  });
}
