// The guard on every route under /api/v1, whoever wrote it: it must declare a permission, its
// scope must name params it has, a caller without credentials gets 401, and an Auditor —
// who may read but never change — gets 403 on every mutation. A user with no grants gets 403
// on every privileged route. Routes are taken as registered (the auth plugin records them),
// so new modules are swept without touching this file; requests are built from the route's
// own params, so the answer is about permission, never about a malformed request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX, routes, type RouteDef } from '@ferry/contract';
import type { RegisteredRoute } from './plugins/auth.ts';
import { buildTestApp } from './test-support/build-test-app.ts';
import { createUser, loginAs, tokenFor, type TestSession } from './test-support/auth-helpers.ts';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Mutations open to anyone, and mutations any signed-in user may make on their own things.
 * Adding one here is a security decision: say why.
 */
const PUBLIC_MUTATIONS: Record<string, string> = {
  'POST /api/v1/auth/login': 'signing in',
};
const OWN_MUTATIONS: Record<string, string> = {
  'POST /api/v1/auth/logout': 'ends the caller\'s own session',
  'POST /api/v1/tokens': 'the caller\'s own token, capped at the caller\'s role',
  'DELETE /api/v1/tokens/:id': 'revokes one of the caller\'s own tokens',
  'DELETE /api/v1/tasks/:taskId': 'cancels the caller\'s own task; someone else\'s needs host.manage on its host (checked in the handler)',
};

const SAMPLE_UUID = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
/** A value the route's param schema most likely accepts: hosts have short slugs, most else is a UUID. */
const sample = (name: string) => (name === 'hostId' ? 'h1' : /name|pool|volume|network/i.test(name) ? 'sample1' : SAMPLE_UUID);

function requestFor(route: RegisteredRoute) {
  const path = route.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => sample(name)).replace(/\*/g, 'x');
  // Scope placeholders that are not path params come from the query (e.g. `?hostId=`).
  const pathParams = new Set([...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!));
  const scope = route.permission?.kind === 'privilege' ? route.permission.scope : '';
  const query = [...scope.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!).filter((n) => !pathParams.has(n)).map((n) => `${n}=${sample(n)}`);
  const url = query.length ? `${path}?${query.join('&')}` : path;
  return { method: route.method as 'GET', url, ...(MUTATIONS.has(route.method) ? { payload: {} } : {}) };
}

let app: FastifyInstance;
let swept: RegisteredRoute[];
let auditorToken: Record<string, string>;
let auditorSession: TestSession;
let nobodySession: TestSession;

beforeAll(async () => {
  app = await buildTestApp();
  swept = app.auth.registeredRoutes().filter((r) => r.method !== 'HEAD' && (r.url === API_PREFIX || r.url.startsWith(`${API_PREFIX}/`)));
  await createUser(app, { username: 'sweep-auditor', role: 'Auditor' });
  auditorToken = await tokenFor(app, 'sweep-auditor');
  auditorSession = await loginAs(app, 'sweep-auditor');
  await createUser(app, { username: 'sweep-nobody' });
  nobodySession = await loginAs(app, 'sweep-nobody');
});
afterAll(() => app.close());

const key = (r: RegisteredRoute) => `${r.method} ${r.url}`;
const failures = (list: string[]) => (list.length ? `\n  ${list.join('\n  ')}` : '');

describe('every route under /api/v1', () => {
  it('is found (the sweep sees the app\'s routes)', () => {
    expect(swept.length).toBeGreaterThan(10);
    expect(swept.map(key)).toContain('POST /api/v1/auth/login');
  });

  it('declares a permission', () => {
    const missing = swept.filter((r) => !r.permission).map(key);
    expect(failures(missing), 'routes without a permission (declare one in the contract, or in config.permission)').toBe('');
  });

  it('has a scope of a known shape that names only params the route has', () => {
    const bad: string[] = [];
    for (const r of swept) {
      if (r.permission?.kind !== 'privilege') continue;
      const { scope } = r.permission;
      if (scope === '/' || scope === '*') continue;
      if (!/^\/(hosts\/:hostId|vms\/:vmId)$/.test(scope)) {
        bad.push(`${key(r)}: scope ${scope} is not '/', '*', '/hosts/:hostId' or '/vms/:vmId'`);
        continue;
      }
      const name = scope.split(':')[1]!;
      const def = r.routeDef as RouteDef | undefined;
      const inPath = r.url.includes(`:${name}`);
      const inQuery = Boolean(def?.query && name in def.query.shape);
      if (!inPath && !inQuery) bad.push(`${key(r)}: scope ${scope} but the route has no ${name} param or query field`);
    }
    expect(failures(bad)).toBe('');
  });

  it('with a contract entry is registered, and every contract entry is', () => {
    const registered = new Set(swept.map(key));
    const unregistered = Object.entries(routes).map(([name, def]) => [name, `${def.method} ${API_PREFIX}${def.path}`] as const).filter(([, k]) => !registered.has(k));
    expect(failures(unregistered.map(([name, k]) => `${name}: ${k}`)), 'contract routes with no handler').toBe('');
  });

  it('answers 401 without credentials, unless public', async () => {
    const wrong: string[] = [];
    for (const r of swept) {
      if (!r.permission || r.permission.kind === 'public') continue;
      const res = await app.inject(requestFor(r));
      if (res.statusCode !== 401 || res.json().error?.code !== 'UNAUTHENTICATED') wrong.push(`${key(r)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(failures(wrong)).toBe('');
  });

  it('that is public or open to any signed-in user and changes something is on the reviewed list', () => {
    const unreviewed = swept.filter((r) => MUTATIONS.has(r.method) && r.permission && r.permission.kind !== 'privilege')
      .filter((r) => !(r.permission!.kind === 'public' ? PUBLIC_MUTATIONS : OWN_MUTATIONS)[key(r)])
      .map((r) => `${key(r)} (${r.permission!.kind})`);
    expect(failures(unreviewed), 'mutations without a privilege (add them to the lists in route-sweep.test.ts with a reason, or require a privilege)').toBe('');
  });

  it('answers 403 to an Auditor on / for every privileged mutation, by token and by session', async () => {
    const wrong: string[] = [];
    for (const r of swept) {
      if (!MUTATIONS.has(r.method) || r.permission?.kind !== 'privilege') continue;
      for (const [via, headers] of [['token', auditorToken], ['session', auditorSession.headers]] as const) {
        const res = await app.inject({ ...requestFor(r), headers });
        if (res.statusCode !== 403 || res.json().error?.code !== 'FORBIDDEN') wrong.push(`${key(r)} (${via}) → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(failures(wrong), 'mutations an Auditor (sys.read, sys.audit on /) can get past the permission check').toBe('');
  });

  it('answers 403 to a signed-in user with no grants, if it needs a privilege', async () => {
    const wrong: string[] = [];
    for (const r of swept) {
      if (r.permission?.kind !== 'privilege') continue;
      const res = await app.inject({ ...requestFor(r), headers: nobodySession.headers });
      if (res.statusCode !== 403 || res.json().error?.code !== 'FORBIDDEN') wrong.push(`${key(r)} → ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(failures(wrong)).toBe('');
  });
});
