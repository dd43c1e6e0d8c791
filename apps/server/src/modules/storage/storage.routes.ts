// Storage pools and volumes (contract: storage.ts). Thin handlers: pick the host, call the
// service, set the status and what the audit log records. The upload route lives in its own
// plugin (upload.routes.ts) because it is the one route whose body is a stream.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { hostTarget } from './host-target.ts';
import { createPool, deletePool, getPool, listPools, poolAction, type PoolAction } from './pools.service.ts';
import { createVolume, deleteVolume, getVolume, listVolumes, resizeVolume } from './volumes.service.ts';
import { uploadRoutes, type UploadRoutesOptions } from './upload.routes.ts';

export type StorageRoutesOptions = UploadRoutesOptions;

export async function storageRoutes(app: FastifyInstance, opts: StorageRoutesOptions = {}): Promise<void> {
  /** The host for this request, and the audit target named after it. */
  const target = (req: FastifyRequest, hostId: string | undefined, object: string) => {
    const t = hostTarget(app.hosts, hostId);
    req.auditTarget = `host:${t.hostId}/${object}`;
    return t;
  };

  registerRoute(app, routes.listPools, async (req) => ({ items: await listPools(hostTarget(app.hosts, req.query.hostId)) }));
  registerRoute(app, routes.getPool, async (req) => getPool(hostTarget(app.hosts, req.query.hostId), req.params.pool));

  registerRoute(app, routes.createPool, async (req, reply) => {
    const t = target(req, req.query.hostId, `pool:${req.body.name}`);
    const pool = await createPool(t, req.body, { dataDir: app.config.dataDir });
    req.auditDiff = { before: null, after: { name: pool.name, type: pool.type, path: pool.path, autostart: pool.autostart } };
    reply.code(201);
    return pool;
  });

  for (const [action, def] of [['start', routes.startPool], ['stop', routes.stopPool], ['refresh', routes.refreshPool]] as const) {
    registerRoute(app, def, async (req) => poolAction(target(req, req.query.hostId, `pool:${req.params.pool}`), req.params.pool, action as PoolAction));
  }

  registerRoute(app, routes.deletePool, async (req, reply) => {
    const t = target(req, req.query.hostId, `pool:${req.params.pool}`);
    const before = await deletePool(t, req.params.pool, req.query.force === 'true');
    req.auditDiff = { before: { name: before.name, type: before.type, path: before.path, autostart: before.autostart }, after: null };
    reply.code(204);
    return null;
  });

  registerRoute(app, routes.listVolumes, async (req) => ({ items: await listVolumes(hostTarget(app.hosts, req.query.hostId), req.params.pool) }));
  registerRoute(app, routes.getVolume, async (req) => getVolume(hostTarget(app.hosts, req.query.hostId), req.params.pool, req.params.volume));

  registerRoute(app, routes.createVolume, async (req, reply) => {
    const t = target(req, req.query.hostId, `pool:${req.params.pool}/volume:${req.body.name}`);
    const volume = await createVolume(t, req.params.pool, req.body);
    req.auditDiff = { before: null, after: { name: volume.name, format: volume.format, capacityBytes: volume.capacityBytes } };
    reply.code(201);
    return volume;
  });

  registerRoute(app, routes.deleteVolume, async (req, reply) => {
    const t = target(req, req.query.hostId, `pool:${req.params.pool}/volume:${req.params.volume}`);
    const before = await deleteVolume(t, req.params.pool, req.params.volume);
    req.auditDiff = { before: { name: before.name, format: before.format, capacityBytes: before.capacityBytes }, after: null };
    reply.code(204);
    return null;
  });

  registerRoute(app, routes.resizeVolume, async (req) => {
    const t = target(req, req.query.hostId, `pool:${req.params.pool}/volume:${req.params.volume}`);
    const { before, after } = await resizeVolume(t, req.params.pool, req.params.volume, req.body.capacityBytes);
    req.auditDiff = { before: { capacityBytes: before.capacityBytes }, after: { capacityBytes: after.capacityBytes } };
    return after;
  });

  await app.register(uploadRoutes, opts);
}
