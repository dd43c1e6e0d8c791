// /acl through the HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'root', 'Administrator');
});
afterAll(() => app.close());

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = admin) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
const VM = '12345678-9abc-4def-8123-456789abcdef';

describe('ACL grants', () => {
  it('grant a role on a path, which then takes effect, and go away when deleted', async () => {
    const u = await createUser(app, { username: 'hana' });
    const res = await call('POST', '/acl', { userId: u.id, path: '/hosts/h1', role: 'Operator' });
    expect(res.statusCode).toBe(201);
    const grant = res.json();
    expect(grant).toEqual({ id: expect.any(String), userId: u.id, username: 'hana', path: '/hosts/h1', role: 'Operator', createdAt: expect.any(String) });
    const hana = await tokenFor(app, 'hana');
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: hana })).json().grants).toEqual([grant]);
    expect((await call('GET', `/acl?userId=${u.id}`)).json().items).toEqual([grant]);
    expect((await call('GET', '/acl')).json().items.length).toBeGreaterThanOrEqual(2);
    expect((await call('DELETE', `/acl/${grant.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/acl?userId=${u.id}`)).json().items).toEqual([]);
    expect((await call('DELETE', `/acl/${grant.id}`)).statusCode).toBe(404);
  });

  it('hold one role per user and path', async () => {
    const u = await createUser(app, { username: 'ivo' });
    expect((await call('POST', '/acl', { userId: u.id, path: `/vms/${VM}`, role: 'Auditor' })).statusCode).toBe(201);
    expect((await call('POST', '/acl', { userId: u.id, path: `/vms/${VM}`, role: 'Operator' })).json().error.code).toBe('CONFLICT');
  });

  it('refuse unknown users, paths of other shapes, unknown roles and unknown fields', async () => {
    const u = await createUser(app, { username: 'jo' });
    expect((await call('POST', '/acl', { userId: '00000000-0000-4000-8000-000000000000', path: '/', role: 'Auditor' })).statusCode).toBe(404);
    for (const path of ['', '/hosts/', '/hosts/H1', '/hosts/h1/x', '/vms/not-a-uuid', '/storage/pool', '//', 'hosts/h1', `/vms/${VM.toUpperCase()}`]) {
      expect((await call('POST', '/acl', { userId: u.id, path, role: 'Auditor' })).statusCode, path).toBe(400);
    }
    expect((await call('POST', '/acl', { userId: u.id, path: '/', role: 'Superuser' })).statusCode).toBe(400);
    expect((await call('POST', '/acl', { userId: u.id, path: '/', role: 'Auditor', propagate: false })).statusCode).toBe(400);
    expect((await call('GET', '/acl?user=x')).statusCode).toBe(400);
  });

  it('are managed by Administrators on / only', async () => {
    const u = await createUser(app, { username: 'kim', role: 'Operator', grants: [{ path: '/hosts/h1', role: 'Administrator' }] });
    const kim = await tokenFor(app, 'kim');
    expect((await call('GET', '/acl', undefined, kim)).statusCode).toBe(403);
    expect((await call('POST', '/acl', { userId: u.id, path: '/', role: 'Administrator' }, kim)).statusCode).toBe(403);
  });
});
