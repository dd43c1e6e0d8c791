import type { FastifyInstance } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { issueConsoleTicket } from './console.service.ts';

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.openConsole, async (req, reply) => {
    const ticket = await issueConsoleTicket({ hosts: app.hosts, tickets: app.consoleTickets }, req.params.vmId, req.body.kind, req.principal!);
    reply.code(201);
    return ticket;
  });
}
