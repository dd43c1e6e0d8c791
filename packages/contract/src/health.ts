import { z } from 'zod';
import { defineRoute } from './route.ts';

export const HealthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const healthRoutes = {
  health: defineRoute({
    method: 'GET', path: '/health', summary: 'Liveness: answers while the server runs', tags: ['system'],
    permission: { kind: 'public' },
    responses: { 200: HealthSchema },
  }),
};
