// Virtual networks (contract: networks.ts). Thin handlers: pick the host, call the service,
// set the status and what the audit log records.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routes, type Network } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { hostTarget } from '../storage/host-target.ts';
import {
  createNetwork, deleteNetwork, getNetworkDetail, listNetworks, networkAction, setNetworkAutostart,
} from './networks.service.ts';

/** What the audit log keeps of a network's configuration. */
const config = (n: Network) => ({ name: n.name, mode: n.mode, bridge: n.bridge, ipv4: n.ipv4, domain: n.domain, autostart: n.autostart });

export async function networksRoutes(app: FastifyInstance): Promise<void> {
  const target = (req: FastifyRequest, hostId: string | undefined, name: string) => {
    const t = hostTarget(app.hosts, hostId);
    req.auditTarget = `host:${t.hostId}/network:${name}`;
    return t;
  };

  registerRoute(app, routes.listNetworks, async (req) => ({ items: await listNetworks(hostTarget(app.hosts, req.query.hostId)) }));
  registerRoute(app, routes.getNetwork, async (req) => getNetworkDetail(hostTarget(app.hosts, req.query.hostId), req.params.name));

  registerRoute(app, routes.createNetwork, async (req, reply) => {
    const network = await createNetwork(target(req, req.query.hostId, req.body.name), req.body);
    req.auditDiff = { before: null, after: config(network) };
    reply.code(201);
    return network;
  });

  registerRoute(app, routes.startNetwork, async (req) => networkAction(target(req, req.query.hostId, req.params.name), req.params.name, 'start'));
  registerRoute(app, routes.stopNetwork, async (req) => networkAction(target(req, req.query.hostId, req.params.name), req.params.name, 'stop'));

  registerRoute(app, routes.setNetworkAutostart, async (req) => {
    const { before, after } = await setNetworkAutostart(target(req, req.query.hostId, req.params.name), req.params.name, req.body.enabled);
    req.auditDiff = { before: { autostart: before.autostart }, after: { autostart: after.autostart } };
    return after;
  });

  registerRoute(app, routes.deleteNetwork, async (req, reply) => {
    const before = await deleteNetwork(target(req, req.query.hostId, req.params.name), req.params.name);
    req.auditDiff = { before: config(before), after: null };
    reply.code(204);
    return null;
  });
}
