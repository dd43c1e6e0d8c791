// The dashboard's files at `/`: pages fall back to index.html, hashed assets are immutable,
// API paths keep their JSON 404, the CSP is on every answer, and an unbuilt dashboard says so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { openMemoryDatabase } from '../db/database.ts';
import { testConfig } from '../test-support/build-test-app.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

async function appWith(root: string): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false, web: { root } });
  await app.ready();
  return app;
}

describe('the web dashboard at /', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js.br'), 'BROTLI');
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appWith(dir);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for every page of the dashboard, revalidated each time', async () => {
    for (const url of ['/', '/vms', '/vms/6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b/hardware', '/login?next=%2Fvms']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable for a year, other files revalidated', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('sends the precompressed file to a browser that accepts it, the plain one otherwise', async () => {
    const br = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.body).toBe('BROTLI');
    const gz = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBeUndefined(); // no .gz here: the plain file
    expect(gz.body).toBe('console.log(1)');
  });

  it('sends the CSP without inline script on its pages', async () => {
    const res = await app.inject({ method: 'GET', url: '/vms' });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline\'; style'); // scripts: no unsafe-inline
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a missing file 404', async () => {
    for (const url of ['/assets/nope-123.js', '/vms/missing.png']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('never serves a file outside its folder', async () => {
    fs.writeFileSync(path.join(path.dirname(dir), 'ferry-web-secret.txt'), 'TOP-SECRET-CONTENT');
    const name = path.basename(dir);
    for (const url of ['/vms/..%2f..%2f..%2fetc/passwd', `/assets/..%2fferry-web-secret.txt`, `/assets/..%2f..%2fferry-web-secret.txt`, `/hosts/..%2f..%2f${name}%2f..%2fferry-web-secret.txt`, '/assets/%2e%2e/%2e%2e/ferry-web-secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect([200, 404], url).toContain(res.statusCode);
      if (res.statusCode === 200) expect(res.body, url).toBe(INDEX); // a page of the dashboard, not the file
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('TOP-SECRET-CONTENT');
    }
    fs.rmSync(path.join(path.dirname(dir), 'ferry-web-secret.txt'));
  });

  it('leaves /api to the API: unknown API paths keep their JSON 404, the docs and API still answer', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/nothing' })).json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/vms' })).statusCode).toBe(404);
    // The router's own refusal of an overlong parameter is not shadowed by a page route.
    expect((await app.inject({ method: 'GET', url: `/api/v1/hosts/${'a'.repeat(300)}` })).statusCode).toBe(400);
  });

  it('serves pages only for the dashboard\'s sections: any other path is the JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/no-such-section' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('says how to build the dashboard when it is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-web-empty-'));
    const bare = await appWith(empty);
    try {
      const res = await bare.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('has not been built');
      expect(res.body).toContain('npm start');
      expect(res.body).not.toMatch(/<script/i);
      expect((await bare.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
