import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, buildUrl, setSessionLostListener } from './api-client.ts';
import { ApiError } from './api-error.ts';
import { sessionStore } from './session-store.ts';
import { apiError, mockFetch } from '../testing/fetch-mock.ts';

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

beforeEach(() => sessionStore.clear());
afterEach(() => {
  vi.unstubAllGlobals();
  setSessionLostListener(() => {});
});

describe('buildUrl', () => {
  it('fills path params (encoded) and drops empty query values', () => {
    expect(buildUrl('/vms/:vmId', { vmId: VM }, undefined)).toBe(`/api/v1/vms/${VM}`);
    expect(buildUrl('/networks/:name', { name: 'a b/c' }, { hostId: 'local', x: undefined, y: '' })).toBe('/api/v1/networks/a%20b%2Fc?hostId=local');
    expect(() => buildUrl('/vms/:vmId', {}, undefined)).toThrow(/missing path parameter vmId/);
  });
});

describe('api()', () => {
  it('calls the route of the table with its method and path, and returns the JSON', async () => {
    const f = mockFetch({ [`GET /api/v1/vms/${VM}`]: { body: { id: VM, name: 'web-1' } } });
    const vm = await api('getVm', { params: { vmId: VM } });
    expect(vm).toEqual({ id: VM, name: 'web-1' });
    expect(f.calls[0]).toMatchObject({ method: 'GET', path: `/api/v1/vms/${VM}`, body: undefined });
    expect(f.calls[0]!.headers['x-csrf-token']).toBeUndefined();
  });

  it('sends the CSRF token on mutations, and a JSON body ({} for bodiless power actions)', async () => {
    sessionStore.setCsrfToken('csrf-1');
    const f = mockFetch({ [`POST /api/v1/vms/${VM}/start`]: { status: 202, body: { taskId: 'task0001' } } });
    await expect(api('startVm', { params: { vmId: VM } })).resolves.toEqual({ taskId: 'task0001' });
    expect(f.calls[0]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(f.calls[0]!.headers['content-type']).toBe('application/json');
    expect(f.calls[0]!.body).toEqual({});
  });

  it('passes the query of a DELETE and answers 204 with null', async () => {
    const f = mockFetch({ 'POST /api/v1/auth/logout': { status: 204 } });
    await expect(api('logout', {})).resolves.toBeNull();
    expect(f.calls[0]!.body).toBeUndefined(); // logout declares no body: none is sent
    mockFetch({ [`DELETE /api/v1/vms/${VM}`]: { status: 202, body: { taskId: 'task0002' } } });
    await api('deleteVm', { params: { vmId: VM }, query: { volumes: 'true' } });
    expect(vi.mocked(fetch).mock.calls[0]![0]).toBe(`/api/v1/vms/${VM}?volumes=true`);
  });

  it('turns an error body into an ApiError with code, message, status and request id', async () => {
    mockFetch({ [`POST /api/v1/vms/${VM}/start`]: apiError(409, 'INVALID_STATE', 'the VM is already running') });
    const err = await api('startVm', { params: { vmId: VM } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'INVALID_STATE', message: 'the VM is already running', status: 409, requestId: 'req-12345678' });
  });

  it('reports an answer that is not Ferry\'s error shape, and an unreachable server, by codes of its own', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })));
    await expect(api('listVms', {})).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 502 });
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(api('listVms', {})).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('tells the session listener when a signed-in call finds the session gone, but not for a failed login', async () => {
    const lost = vi.fn();
    setSessionLostListener(lost);
    mockFetch({
      'GET /api/v1/vms': apiError(401, 'UNAUTHENTICATED', 'authentication required'),
      'POST /api/v1/vms/power': apiError(403, 'CSRF_FAILED', 'needs the X-CSRF-Token'),
      'POST /api/v1/auth/login': apiError(401, 'UNAUTHENTICATED', 'wrong username or password'),
      'GET /api/v1/hosts': apiError(403, 'FORBIDDEN', 'no'),
    });
    await expect(api('listVms', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(api('bulkPower', { body: { action: 'start', vmIds: [VM] } })).rejects.toMatchObject({ code: 'CSRF_FAILED' });
    expect(lost).toHaveBeenCalledTimes(2);
    await expect(api('login', { body: { username: 'a', password: 'b' } })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(api('listHosts', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(lost).toHaveBeenCalledTimes(2);
  });
});
