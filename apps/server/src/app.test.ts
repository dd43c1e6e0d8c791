import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from './test-support/build-test-app.ts';

let app: FastifyInstance;
beforeAll(async () => { app = await buildTestApp(); });
afterAll(() => app.close());

describe('the app frame', () => {
  it('answers health without authentication, with a request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a NOT_FOUND error body carrying the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope?x=1' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', requestId: res.headers['x-request-id'] });
    expect(body.error.message).not.toContain('x=1');
  });

  it('ignores a client-chosen request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-request-id': 'evil\r\ninjected' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
