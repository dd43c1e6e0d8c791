// Registers a handler for one entry of the contract's route table. The entry's zod schemas
// validate params, query and body (unknown fields rejected: the contract uses strict objects)
// and serialize the response (fields not in the schema never leave the server). The entry's
// permission travels in the route config, where the auth plugin enforces it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from './app-error.ts';
import { API_PREFIX, type Permission, type RouteDef } from '@ferry/contract';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface RouteRequest<R extends RouteDef> extends FastifyRequest {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
}

type ResponseOf<R extends RouteDef> = { [K in keyof R['responses']]: z.input<R['responses'][K]> }[keyof R['responses']];

export type RouteHandler<R extends RouteDef> = (req: RouteRequest<R>, reply: FastifyReply) => Promise<ResponseOf<R>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set for every contract route; routes without it are refused by the auth plugin. */
    permission?: Permission;
    routeDef?: RouteDef;
  }
}

// A route that declares no query string accepts none: unknown fields are refused everywhere.
const NO_QUERY = z.strictObject({});
const BODYLESS = new Set(['GET', 'HEAD']);

export function registerRoute<R extends RouteDef>(app: FastifyInstance, def: R, handler: RouteHandler<R>): void {
  // A body that may be empty ({}) may also be absent, as API.md promises for power actions.
  const bodyMayBeAbsent = def.body !== undefined && def.body.safeParse({}).success;
  app.withTypeProvider<ZodTypeProvider>().route({
    method: def.method,
    url: API_PREFIX + def.path,
    schema: {
      summary: def.summary,
      tags: [...def.tags],
      ...(def.params ? { params: def.params } : {}),
      querystring: def.query ?? NO_QUERY,
      ...(def.body ? { body: def.body } : {}),
      response: def.responses,
    },
    config: { permission: def.permission, routeDef: def },
    // Fastify never parses a GET/HEAD body, so only methods that carry one need the check.
    ...(BODYLESS.has(def.method) ? {} : {
      preValidation: (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
        const absent = req.body === undefined; // no body at all; a JSON `null` is a body, and wrong
        if (absent && bodyMayBeAbsent) req.body = {};
        else if (!absent && def.body === undefined) return done(new AppError('BAD_REQUEST', `${def.method} ${API_PREFIX}${def.path} takes no body`));
        done();
      },
    }),
    handler: (req, reply) => handler(req as unknown as RouteRequest<R>, reply),
  });
}
