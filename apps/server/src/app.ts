// Builds the Ferry API server as a tree of Fastify plugins. Never listens: main.ts does that,
// tests call buildApp() and then app.inject().
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import { loggerOptions } from './lib/logger.ts';
import errors from './plugins/errors.ts';
import { healthRoutes } from './modules/health/health.routes.ts';

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
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const serverOptions = { maxHeaderSize: config.limits.headerBytes };
  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions(config.logLevel),
    genReqId: () => randomUUID(),
    requestIdHeader: false, // never trust a client-chosen request id
    bodyLimit: config.limits.bodyBytes,
    maxParamLength: 200,
    return503OnClosing: true,
    ...(opts.https ? { https: { ...serverOptions, key: opts.https.key, cert: opts.https.cert } } : { http: serverOptions }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  app.decorate('db', opts.db);

  await app.register(errors);
  await app.register(healthRoutes);
  return app;
}
