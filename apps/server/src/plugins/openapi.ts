// The API's OpenAPI 3.1 document at GET /api/v1/openapi.json (public) and Swagger UI showing it
// at /api/docs. Both come from an app of their own (openapi-docs.ts), built on the first
// request for either and kept from then on: idle Ferry never loads the document's generator.
// This plugin only notes each contract route as it registers (so it goes in before the route
// modules) and hands the docs' requests to that app; the answers leave through this app's
// hooks, so they carry its security headers (CSP) like any other.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { API_PREFIX } from '@ferry/contract';

export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;
export const DOCS_PREFIX = '/api/docs';

/** Request headers the docs' static files answer to (caching, compression, ranges). */
const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-encoding', 'if-none-match', 'if-modified-since', 'range'];
/** Response headers this app's own reply sets for itself. */
const OWN_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

export default fp(async function openapi(app: FastifyInstance) {
  // References, not copies: a later onRoute hook may still edit a route's options (the upload's
  // content type), and the document must show what was registered in the end. HEAD routes are
  // Fastify's own copies of the GET routes (the docs app makes its own; undocumented, as before).
  const apiRoutes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    if (route.config?.routeDef && route.method !== 'HEAD') apiRoutes.push(route);
  });

  let docs: Promise<FastifyInstance> | undefined;
  const docsApp = (): Promise<FastifyInstance> => {
    docs ??= import('./openapi-docs.ts').then(({ buildDocsApp }) => buildDocsApp(apiRoutes)).catch((e: unknown) => {
      docs = undefined; // a later request tries again
      throw e;
    });
    return docs;
  };
  app.addHook('onClose', async () => {
    if (docs) await (await docs.catch(() => null))?.close();
  });

  const config = { permission: { kind: 'public' as const } };
  app.get(OPENAPI_PATH, { schema: { hide: true }, config }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send((await docsApp()).swagger()));

  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const headers = Object.fromEntries(FORWARDED_REQUEST_HEADERS.flatMap((h) => (req.headers[h] === undefined ? [] : [[h, req.headers[h]!]])));
    const res = await (await docsApp()).inject({ method: 'GET', url: req.url, headers });
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined && !OWN_RESPONSE_HEADERS.has(name)) reply.header(name, value);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  app.get(DOCS_PREFIX, { schema: { hide: true }, config }, forward);
  app.get(`${DOCS_PREFIX}/*`, { schema: { hide: true }, config }, forward);
}, { name: 'openapi' });
