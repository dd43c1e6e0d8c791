// The published OpenAPI document: valid OpenAPI 3.1 (against the official schema and by our
// own structural checks), complete (every route of the contract's table, with its method and
// declared permission), self-contained ($refs resolve) and free of secrets.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { API_PREFIX, ERROR_STATUS, PRIVILEGES, ROLES, ROLE_PRIVILEGES, routes, type RouteDef } from '@ferry/contract';
import { buildTestApp } from './test-support/build-test-app.ts';
import { describePermission } from './plugins/openapi-docs.ts';
import { API_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY } from './plugins/security-headers.ts';

const ADMIN_PASSWORD = 'openapi-test-admin-pw-7Qz';
let app: FastifyInstance;
let doc: OpenApi;
let text: string;

interface Operation {
  operationId?: string;
  description?: string;
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security?: Record<string, string[]>[];
  'x-permission'?: unknown;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
}

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

beforeAll(async () => {
  app = await buildTestApp({ adminPassword: ADMIN_PASSWORD });
  const res = await app.inject({ method: 'GET', url: `${API_PREFIX}/openapi.json` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  text = res.body;
  doc = res.json() as OpenApi;
});
afterAll(() => app.close());

describe('GET /api/v1/openapi.json', () => {
  it('is OpenAPI 3.1 and valid against the official 3.1 schema', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Ferry API');
    expect(doc.servers).toEqual([{ url: API_PREFIX }]);
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every route of the contract, with its method, permission and declared responses', () => {
    const missing: string[] = [];
    for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
      const op = doc.paths[toOpenApiPath(def.path)]?.[def.method.toLowerCase()];
      if (!op) {
        missing.push(`${def.method} ${def.path} (${name})`);
        continue;
      }
      expect(op.operationId, name).toBe(name);
      expect(op['x-permission'], name).toEqual(def.permission);
      expect(op.description, name).toContain(describePermission(def.permission));
      for (const status of Object.keys(def.responses)) expect(op.responses[status], `${name} ${status}`).toBeDefined();
      const pathParams = [...def.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      for (const p of pathParams) {
        expect(op.parameters?.find((x) => x.in === 'path' && x.name === p), `${name} :${p}`).toMatchObject({ required: true });
      }
      if (def.body) expect(op.requestBody, name).toBeDefined();
    }
    expect(missing, 'contract routes the server does not serve').toEqual([]);
  });

  it('documents only contract routes (not itself, not the docs UI)', () => {
    const contract = new Set(Object.values(routes).map((d: RouteDef) => `${d.method.toLowerCase()} ${toOpenApiPath(d.path)}`));
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(documented.filter((x) => !contract.has(x))).toEqual([]);
  });

  it('documents errors with the Error schema and security per permission', () => {
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'ferry_session' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    for (const def of Object.values(routes) as RouteDef[]) {
      const op = doc.paths[toOpenApiPath(def.path)]?.[def.method.toLowerCase()];
      if (!op) continue; // reported by the completeness test
      const errorRef = { $ref: '#/components/schemas/Error' };
      expect(op.responses['400']?.content?.['application/json']?.schema).toEqual(errorRef);
      expect(op.responses['500']?.content?.['application/json']?.schema).toEqual(errorRef);
      expect(op.responses.default?.content?.['application/json']?.schema).toEqual(errorRef);
      if (def.permission.kind === 'public') {
        expect(op.security).toEqual([]);
      } else {
        expect(op.responses['401']).toBeDefined();
        expect(op.responses['403']).toBeDefined();
        const mutation = def.method !== 'GET';
        expect(op.security).toEqual(mutation ? [{ session: [], csrf: [] }, { bearer: [] }] : [{ session: [] }, { bearer: [] }]);
      }
    }
  });

  it('has only $refs that resolve, and no unused components', () => {
    const refs = new Set<string>();
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n === null || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n)) {
        if (k === '$ref') refs.add(String(v));
        else walk(v);
      }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, 'only local refs').toMatch(/^#\//);
      const target = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeTypeOf('object');
    }
    const used = new Set([...refs].map((r) => r.replace('#/components/schemas/', '')));
    expect(Object.keys(doc.components.schemas).filter((n) => !used.has(n))).toEqual([]);
  });

  it('contains no secrets: no example or default credential values, no configured password', () => {
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toMatch(/ferry_[A-Za-z0-9_-]{20,}/); // the shape of a token secret
    const offenders: string[] = [];
    const SECRETISH = /pass|secret|token|ticket|cookie|csrf/i;
    const walk = (n: unknown, path: string[]): void => {
      if (Array.isArray(n)) return n.forEach((x, i) => walk(x, [...path, String(i)]));
      if (n === null || typeof n !== 'object') return;
      const isSecretProperty = path.at(-2) === 'properties' && SECRETISH.test(path.at(-1) ?? '');
      for (const [k, v] of Object.entries(n)) {
        if (isSecretProperty && ['example', 'examples', 'default', 'const', 'enum'].includes(k)) offenders.push([...path, k].join('.'));
        walk(v, [...path, k]);
      }
    };
    walk(doc, []);
    expect(offenders).toEqual([]);
  });

  it('is public and answers without credentials; the docs UI is served by Ferry without inline script', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="[^"]+"/);
      expect(body!.trim()).toBe('');
      expect(attrs).not.toMatch(/https?:\/\//); // no CDN
    }
    expect(page.body).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-initializer.js', 'swagger-ui.css']) {
      const res = await app.inject({ method: 'GET', url: `/api/docs/static/${asset}` });
      expect(res.statusCode, asset).toBe(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });
});

describe('the guides in docs/ stay in step with the contract', () => {
  const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');
  const tableRows = (text: string) => text.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

  it('api.md lists every error code with its status, and nothing else', () => {
    const rows = tableRows(doc('api.md')).filter((r) => /^`[A-Z_]+`$/.test(r[0]!) && /^\d{3}$/.test(r[1]!));
    expect(Object.fromEntries(rows.map((r) => [r[0]!.slice(1, -1), Number(r[1])]))).toEqual(ERROR_STATUS);
  });

  it('security.md shows each role\'s privileges as the contract defines them, and the CSP sent', () => {
    const text = doc('security.md');
    const rows = tableRows(text).filter((r) => (PRIVILEGES as readonly string[]).includes(r[0]!.slice(1, -1)));
    expect(rows.map((r) => r[0]!.slice(1, -1))).toEqual([...PRIVILEGES]);
    for (const [i, role] of ROLES.entries()) {
      const granted = rows.filter((r) => r[2 + i] === '✓').map((r) => r[0]!.slice(1, -1));
      expect(granted, role).toEqual([...ROLE_PRIVILEGES[role]]);
    }
    expect(text).toContain(`\`${CONTENT_SECURITY_POLICY}\``);
    expect(text).toContain(`\`${API_CONTENT_SECURITY_POLICY}\``);
  });

  it('operations.md documents every FERRY_ variable config.ts reads', () => {
    const config = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const vars = [...new Set(config.match(/FERRY_[A-Z_]+/g))];
    const text = doc('operations.md');
    expect(vars.length).toBeGreaterThan(5);
    expect(vars.filter((v) => !text.includes(`\`${v}\``))).toEqual([]);
  });
});
