import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.health, async () => ({ status: 'ok' as const }));
}
