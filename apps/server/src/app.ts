// Builds the Ferry API server as a tree of Fastify plugins. Never listens: main.ts does that,
// tests call buildApp() and then app.inject().
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { DestinationStream } from 'pino';
import { loggerOptions } from './lib/logger.ts';
import { AccessLogController } from './lib/access-log.ts';
import { requestLoggerFactory } from './lib/request-logger.ts';
import { responseSerializerCompiler } from './lib/serializer.ts';
import errors, { frameworkErrorHandler } from './plugins/errors.ts';
import auth from './plugins/auth.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { usersRoutes } from './modules/users/users.routes.ts';
import { tokensRoutes } from './modules/tokens/tokens.routes.ts';
import { aclRoutes } from './modules/acl/acl.routes.ts';
import securityHeaders from './plugins/security-headers.ts';
import openapi from './plugins/openapi.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import hosts from './plugins/hosts.ts';
import { hostsRoutes } from './modules/hosts/hosts.routes.ts';
import { vmPowerRoutes } from './modules/vms/vm-power.routes.ts';
import { vmsRoutes } from './modules/vms/vms.routes.ts';
import audit from './plugins/audit.ts';
import tasks from './plugins/tasks.ts';
import { tasksRoutes } from './modules/tasks/tasks.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { storageRoutes } from './modules/storage/storage.routes.ts';
import { networksRoutes } from './modules/networks/networks.routes.ts';
import { snapshotsRoutes } from './modules/snapshots/snapshots.routes.ts';
import { migrationsRoutes } from './modules/migrations/migrations.routes.ts';
import upgrades from './plugins/upgrades.ts';
import events, { type EventsPluginOptions } from './plugins/events.ts';
import consolePlugin, { type ConsolePluginOptions } from './plugins/console.ts';
import { consoleRoutes } from './modules/console/console.routes.ts';
import metrics from './plugins/metrics.ts';
import { metricsRoutes } from './modules/metrics/metrics.routes.ts';
import web, { type WebPluginOptions } from './plugins/web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
  }
}

export interface BuildOptions {
  config: Config;
  db: Db;
  /** TLS material; absent means plain HTTP (tests, FERRY_INSECURE_HTTP=1). */
  https?: { key: Buffer; cert: Buffer };
  /** Override the logger (tests pass false). */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests collect them). */
  logDestination?: DestinationStream;
  /** The clock for session, token and throttle expiry (tests inject one). */
  now?: () => number;
  /** Event stream tuning (tests shrink the window, the heartbeat and the queues). */
  events?: EventsPluginOptions;
  /** Console tuning (tests shrink the caps and the re-check interval, move the ticket clock). */
  console?: ConsolePluginOptions;
  /** Where the built web dashboard is (tests point it at their own folder). */
  web?: WebPluginOptions;
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const serverOptions = { maxHeaderSize: config.limits.headerBytes };
  const tls = { tls: Boolean(opts.https) };
  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions({ level: config.logLevel, destination: opts.logDestination }),
    logController: new AccessLogController(), // one masked access line per request
    ...(opts.logger === false ? {} : { childLoggerFactory: requestLoggerFactory }), // request.log made on first use
    genReqId: () => randomUUID(),
    requestIdHeader: false, // never trust a client-chosen request id
    bodyLimit: config.limits.bodyBytes,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler(tls), // undecodable URLs, overlong params: 400 in our shape
    return503OnClosing: true,
    ...(opts.https ? { https: { ...serverOptions, key: opts.https.key, cert: opts.https.cert } } : { http: serverOptions }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  app.decorate('config', config);
  app.decorate('db', opts.db);
  // JSON only (uploads add their own parser for application/octet-stream): text/plain → 415.
  app.removeContentTypeParser('text/plain');

  await app.register(errors);
  await app.register(auth, { now: opts.now });
  await app.register(securityHeaders, tls);
  await app.register(openapi); // before every route: it notes them as they register
  await app.register(audit);
  await app.register(tasks);
  await app.register(hosts);
  await app.register(upgrades);
  await app.register(events, opts.events ?? {});
  await app.register(consolePlugin, opts.console ?? {});
  await app.register(metrics);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(usersRoutes);
  await app.register(tokensRoutes);
  await app.register(aclRoutes);
  await app.register(hostsRoutes);
  await app.register(vmsRoutes);
  await app.register(vmPowerRoutes);
  await app.register(tasksRoutes);
  await app.register(auditRoutes);
  await app.register(storageRoutes, { maxUploadBytes: config.limits.uploadBytes });
  await app.register(networksRoutes);
  await app.register(snapshotsRoutes);
  await app.register(migrationsRoutes);
  await app.register(consoleRoutes);
  await app.register(metricsRoutes);
  await app.register(web, opts.web ?? {}); // last: its `/*` must not shadow any other route
  return app;
}
