// The OpenAPI 3.1 document and the Swagger UI that shows it, in an app of their own that
// plugins/openapi.ts builds on the first request for either: idle Ferry holds neither the
// generator (@fastify/swagger, yaml, swagger-ui) nor the document, ~1 MB of heap
// (scripts/bench/server-requests). That app declares the main app's contract routes again (their
// route options as registered, so hooks that edited them, like the upload's content type, show),
// and @fastify/swagger documents them: fastify-type-provider-zod turns the zod schemas into JSON
// Schema, with every schema that has a `.meta({ id })` as a shared component. Only routes from
// the contract's table are documented (a route carries its entry in `config.routeDef`); each
// operation states the permission it needs (`x-permission` and a line of its description), its
// security schemes, and the errors it can answer with, all as the one Error schema.
//
// Swagger UI comes from the swagger-ui-dist files @fastify/swagger-ui ships, whose page loads
// its initializer from a file, so it runs under Ferry's CSP (script-src 'self', no inline script).
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import {
  API_PREFIX, CSRF_HEADER, ERROR_STATUS, ErrorBodySchema, SESSION_COOKIE, routes, type ErrorCode, type Permission, type RouteDef,
} from '@ferry/contract';
import { DOCS_PREFIX } from './openapi.ts';

type Transform = typeof jsonSchemaTransform;
type TransformObject = typeof jsonSchemaTransformObject;
type OpenApiDoc = ReturnType<TransformObject>;

const ERROR_REF = { $ref: `#/components/schemas/${String(ErrorBodySchema.meta()?.id ?? 'Error')}` };
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Route table entries by identity, for their names (the operationId). */
const NAMES = new Map<RouteDef, string>(Object.entries(routes).map(([name, def]) => [def as RouteDef, name]));

export function describePermission(p: Permission): string {
  switch (p.kind) {
    case 'public': return 'public: no authentication';
    case 'authenticated': return 'any signed-in user';
    case 'privilege': return p.scope === '*'
      ? `\`${p.privilege}\` somewhere; the answer shows only what the caller may see`
      : `\`${p.privilege}\` on \`${p.scope}\``;
  }
}

const transform: Transform = (input) => {
  const def = input.route.config?.routeDef as RouteDef | undefined;
  // Not in the contract (the docs' own routes, this document): not part of the API.
  if (!def) return { schema: { hide: true }, url: input.url };
  const out = jsonSchemaTransform(input);
  const method = def.method;
  const security: Record<string, string[]>[] = def.permission.kind === 'public' ? []
    : MUTATING.has(method) ? [{ session: [], csrf: [] }, { bearer: [] }] : [{ session: [] }, { bearer: [] }];
  return {
    url: out.url,
    schema: {
      ...out.schema,
      operationId: NAMES.get(def) ?? `${method.toLowerCase()}${def.path}`,
      description: `**Permission:** ${describePermission(def.permission)}.`,
      security,
      'x-permission': def.permission,
    },
  };
};

/** The errors an operation can answer with, by what it declares. */
function errorResponses(op: { security?: unknown[]; parameters?: { in: string }[]; requestBody?: unknown }, method: string) {
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  const codes: ErrorCode[] = ['BAD_REQUEST'];
  if (!isPublic) codes.push('UNAUTHENTICATED', 'FORBIDDEN');
  if (!isPublic && MUTATING.has(method.toUpperCase())) codes.push('CSRF_FAILED');
  if (op.parameters?.some((p) => p.in === 'path')) codes.push('NOT_FOUND');
  if (op.requestBody) codes.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  codes.push('INTERNAL');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  const responses: Record<string, unknown> = {};
  for (const [status, list] of byStatus) {
    responses[String(status)] = { description: `Error: ${list.map((c) => `\`${c}\``).join(' or ')}`, content: { 'application/json': { schema: ERROR_REF } } };
  }
  responses.default = {
    description: 'Any other error (e.g. `CONFLICT` 409, `RATE_LIMITED` 429, `HYPERVISOR_UNAVAILABLE` 503); the body says which',
    content: { 'application/json': { schema: ERROR_REF } },
  };
  return responses;
}

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work goes on as a task (GET /tasks/{taskId})', 204: 'Done; no body' };

const transformObject: TransformObject = (input) => {
  type Op = { responses?: Record<string, { description?: string }> };
  const doc = jsonSchemaTransformObject(input) as OpenApiDoc & { paths?: Record<string, Record<string, Op>> };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        if (res.description === 'Default Response') res.description = SUCCESS[status] ?? 'Success';
      }
      op.responses = { ...(op.responses ?? {}), ...errorResponses(op as Parameters<typeof errorResponses>[0], method) };
    }
  }
  return pruneSchemas(doc as Parameters<typeof pruneSchemas>[0]) as OpenApiDoc;
};

/**
 * fastify-type-provider-zod emits every registered schema twice (as request input `XInput`
 * and as response output `X`); keep only the components something refers to.
 */
function pruneSchemas<D extends { components?: { schemas?: Record<string, unknown> } }>(doc: D): D {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else {
        visit(v);
      }
    }
  };
  visit({ ...doc, components: { ...doc.components, schemas: {} } });
  // A request schema no response shares keeps its own name: `LoginRequest`, not `LoginRequestInput`.
  const rename = new Map<string, string>();
  for (const name of used) {
    const base = name.endsWith('Input') ? name.slice(0, -'Input'.length) : null;
    if (base && !used.has(base)) rename.set(name, base);
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)).map(([name, v]) => [rename.get(name) ?? name, v]));
  const out = { ...doc, components: { ...doc.components, schemas: kept } };
  return JSON.parse(JSON.stringify(out), (k, v: unknown) => {
    if (k !== '$ref' || typeof v !== 'string') return v;
    const name = v.slice('#/components/schemas/'.length);
    return rename.has(name) ? `#/components/schemas/${rename.get(name)}` : v;
  }) as D;
}

/** The docs app: `apiRoutes` (the main app's contract routes) declared again, never served, for @fastify/swagger to document. */
export async function buildDocsApp(apiRoutes: readonly RouteOptions[]): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // Its copies of the API routes only carry their schemas to the document: nothing validates
  // or serializes with them here (the main app does, with its own compilers).
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.1',
      info: {
        title: 'Ferry API',
        version: 'v1',
        description: [
          'Ferry manages KVM virtual machines on one or many hosts through libvirt.',
          '',
          `Sign in with \`POST ${API_PREFIX}/auth/login\`: it sets the \`${SESSION_COOKIE}\` cookie and returns a CSRF token to send as `
          + `\`X-CSRF-Token\` on every cookie-authenticated POST/PUT/PATCH/DELETE. Scripts use an API token instead: `
          + '`Authorization: Bearer <secret>` (no CSRF token needed).',
          '',
          'Errors are `{ "error": { "code", "message", "details"?, "requestId" } }`; `code` is one of a closed set and decides the status. '
          + 'Every response carries `X-Request-Id`. Long operations answer `202 { "taskId" }`: follow them with `GET /tasks/{taskId}?wait=<seconds>`.',
        ].join('\n'),
      },
      servers: [{ url: API_PREFIX }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by POST /auth/login (HttpOnly).' },
          csrf: { type: 'apiKey', in: 'header', name: headerName(CSRF_HEADER), description: 'The csrfToken from the login answer; required with the cookie on POST/PUT/PATCH/DELETE.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token secret (POST /tokens shows it once).' },
        },
      },
    },
    transform,
    transformObject,
  });

  for (const r of apiRoutes) {
    app.route({ method: r.method, url: r.url, schema: r.schema, config: r.config, handler: async (_req, reply) => reply.callNotFound() });
  }

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // BaseLayout: no top bar (its "Explore" box would load any URL's document; CSP blocks that anyway).
    uiConfig: { layout: 'BaseLayout', deepLinking: true, validatorUrl: null, tryItOutEnabled: false, withCredentials: true },
    // Our own CSP (security-headers) applies; the swagger-ui plugin adds none.
    staticCSP: false,
  });
  await app.ready();
  return app;
}

/** `x-csrf-token` → `X-CSRF-Token`, as the docs show it. */
function headerName(h: string): string {
  return h.split('-').map((w) => (w === 'csrf' ? 'CSRF' : w.charAt(0).toUpperCase() + w.slice(1))).join('-');
}
