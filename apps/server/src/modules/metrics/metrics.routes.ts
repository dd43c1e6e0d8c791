// Metrics routes: history per VM and per host, a host's top consumers, and the Prometheus
// exposition at /metrics.
//
// /metrics lives outside /api/v1 (where scrapers expect it), so the auth plugin only
// authenticates it and never refuses it: this handler enforces its rule itself — an API token
// (`Authorization: Bearer`) holding sys.read on '/'; no token → 401, a weaker one → 403. Session
// cookies are not accepted: a scraper is a machine with a token, and a cookie-authenticated GET
// would let any page the admin visits make the browser fetch it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROMETHEUS_PATH, routes } from '@ferry/contract';
import { registerRoute } from '../../lib/route.ts';
import { AppError } from '../../lib/app-error.ts';
import { toHostPoint, toVmPoint, topConsumers } from './metrics.mapper.ts';
import { PROMETHEUS_CONTENT_TYPE, collect, render } from './prometheus.ts';

/** A sample older than this many intervals is stale: its host stopped answering. */
const STALE_INTERVALS = 5;

const iso = (s: number) => new Date(s * 1000).toISOString();

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  registerRoute(app, routes.getVmMetrics, async (req) => {
    const { vmId } = req.params;
    // A VM with history is answered even when it is gone (a deleted VM keeps its past);
    // otherwise it must exist, so a typo is a 404 and not an empty chart.
    if (!app.metrics.history.has('vm', vmId)) await app.hosts.findVm(vmId);
    const now = Date.now();
    const s = app.metrics.history.series('vm', vmId, req.query.range, now);
    return { vmId, range: req.query.range, stepS: s.stepS, from: iso(s.fromS), to: new Date(now).toISOString(), points: s.points.map(toVmPoint) };
  });

  registerRoute(app, routes.getHostMetrics, async (req) => {
    const { hostId } = req.params;
    app.hosts.get(hostId); // 404 for an unknown host
    const now = Date.now();
    const s = app.metrics.history.series('host', hostId, req.query.range, now);
    return { hostId, range: req.query.range, stepS: s.stepS, from: iso(s.fromS), to: new Date(now).toISOString(), points: s.points.map(toHostPoint) };
  });

  registerRoute(app, routes.getHostTop, async (req) => {
    const { hostId } = req.params;
    const { by, limit } = req.query;
    app.hosts.get(hostId);
    const latest = app.metrics.latest(hostId);
    const fresh = latest && Date.now() - latest.atMs <= STALE_INTERVALS * app.metrics.intervalS * 1000 ? latest : undefined;
    // sys.read on the host lets the caller in; each VM is still shown only if they may see it.
    const visible = fresh ? app.authz.filterVisibleVms(req.principal, 'sys.read', fresh.message.vms, (s) => ({ uuid: s.vmId, hostId })) : [];
    return {
      hostId, by,
      at: fresh?.message.at ?? null,
      intervalS: fresh?.message.intervalS ?? app.metrics.intervalS,
      items: topConsumers(visible, fresh?.names ?? new Map(), by, limit),
    };
  });

  app.get(PROMETHEUS_PATH, {
    // Documents the rule for the route listing; enforced below, not by the auth plugin.
    config: { permission: { kind: 'privilege', privilege: 'sys.read', scope: '/' } },
  }, async (req, reply) => {
    await requireScraper(app, req);
    const now = Date.now();
    const hosts = app.hosts.list().map((h) => ({
      id: h.id, name: h.record.name, connected: h.state === 'connected',
      latest: app.metrics.latest(h.id), skippedTicks: app.metrics.sampler.skippedTicks().get(h.id) ?? 0,
    }));
    reply.type(PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store');
    return render(collect(hosts, now, STALE_INTERVALS * app.metrics.intervalS * 1000));
  });
}

async function requireScraper(app: FastifyInstance, req: FastifyRequest): Promise<void> {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  const principal = m ? app.auth.tokens.authenticate(m[1]!) : null;
  if (!principal) {
    throw new AppError('UNAUTHENTICATED', 'GET /metrics needs an API token: Authorization: Bearer <token>', undefined, { 'www-authenticate': 'Bearer realm="ferry"' });
  }
  if (!(await app.authz.can(principal, 'sys.read', '/'))) throw new AppError('FORBIDDEN', 'GET /metrics needs a token holding sys.read on /');
}
