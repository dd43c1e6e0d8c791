// Pools and volumes through the API on libvirt's test:///default driver (in-process; shared by
// every connection in this process, so each test makes its own uniquely named objects).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let auditor: Record<string, string>;
const unique = (label: string) => `ut-${label}-${randomBytes(3).toString('hex')}`;
const GiB = 2 ** 30;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'storage-admin', 'Administrator');
  auditor = await tokenFor(app, 'storage-auditor', 'Auditor');
});
afterAll(() => app.close());

const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = admin) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function newPool(label: string): Promise<string> {
  const name = unique(label);
  const res = await api('POST', '/storage/pools?hostId=local', { name, type: 'dir', path: `/srv/${name}` });
  expect(res.statusCode, res.body).toBe(201);
  return name;
}

describe('storage pools', () => {
  it("lists the host's pools, defaulting to the first host", async () => {
    for (const url of ['/storage/pools', '/storage/pools?hostId=local']) {
      const res = await api('GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toContainEqual(expect.objectContaining({
        hostId: 'local', name: 'default-pool', type: 'dir', path: '/default-pool', active: true, capacityBytes: 100 * GiB,
      }));
    }
    // An Auditor reads (sys.read on /).
    expect((await api('GET', '/storage/pools', undefined, auditor)).statusCode).toBe(200);
  });

  it('creates a running, autostarted dir pool, and records who did it', async () => {
    const name = unique('create');
    const res = await api('POST', '/storage/pools?hostId=local', { name, type: 'dir', path: `/srv/${name}` });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ hostId: 'local', name, type: 'dir', path: `/srv/${name}`, active: true, autostart: true });
    expect((await api('GET', `/storage/pools/${name}`)).json()).toMatchObject({ name, active: true });
    const row = app.db.prepare("SELECT target, result FROM audit WHERE route = '/storage/pools' AND method = 'POST' ORDER BY id DESC LIMIT 1").get();
    expect(row).toEqual({ target: `host:local/pool:${name}`, result: 'success' });
  });

  it('refuses a taken name or a path another pool uses (409 CONFLICT)', async () => {
    const name = await newPool('dup');
    const sameName = await api('POST', '/storage/pools', { name, type: 'dir', path: '/srv/elsewhere' });
    expect(sameName.statusCode).toBe(409);
    expect(sameName.json().error.code).toBe('CONFLICT');
    const samePath = await api('POST', '/storage/pools', { name: unique('other'), type: 'dir', path: `/srv/${name}` });
    expect(samePath.statusCode).toBe(409);
    expect(samePath.json().error.message).toContain(name);
  });

  it.each([
    ['a name with ..', { name: 'a..b', type: 'dir', path: '/srv/x1' }],
    ['a name with a slash', { name: 'a/b', type: 'dir', path: '/srv/x2' }],
    ['a name with markup', { name: "p'<x>&", type: 'dir', path: '/srv/x3' }],
    ['a relative path', { name: 'p1', type: 'dir', path: 'srv/x' }],
    ['a path with ..', { name: 'p1', type: 'dir', path: '/srv/../etc' }],
    ['a path with a trailing slash', { name: 'p1', type: 'dir', path: '/srv/x/' }],
    ['a path with //', { name: 'p1', type: 'dir', path: '/srv//x' }],
    ['the root', { name: 'p1', type: 'dir', path: '/' }],
    ['a system tree', { name: 'p1', type: 'dir', path: '/etc/pools' }],
    ['/var/lib itself', { name: 'p1', type: 'dir', path: '/var/lib' }],
    ["Ferry's own data", { name: 'p1', type: 'dir', path: '/var/lib/ferry/images' }],
    ['another pool type', { name: 'p1', type: 'logical', path: '/srv/x' }],
    ['an unknown field', { name: 'p1', type: 'dir', path: '/srv/x', mode: '0777' }],
  ])('answers 400 to %s', async (_what, body) => {
    const res = await api('POST', '/storage/pools', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it("refuses the configured data directory, whatever it is (400)", async () => {
    const res = await api('POST', '/storage/pools', { name: unique('data'), type: 'dir', path: app.config.dataDir });
    expect(res.statusCode).toBe(400);
  });

  it('answers 401 without credentials and 403 to an Auditor', async () => {
    const body = { name: unique('x'), type: 'dir', path: '/srv/nobody' };
    expect((await app.inject({ method: 'POST', url: '/api/v1/storage/pools', payload: body })).statusCode).toBe(401);
    const res = await api('POST', '/storage/pools', body, auditor);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('answers 404 for an unknown pool or host', async () => {
    for (const url of ['/storage/pools/nope-pool', '/storage/pools/nope-pool/volumes', '/storage/pools?hostId=nope']) {
      const res = await api('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    expect((await api('POST', '/storage/pools/nope-pool/start', {})).statusCode).toBe(404);
    expect((await api('DELETE', '/storage/pools/nope-pool')).statusCode).toBe(404);
  });

  it('starts, stops and refreshes; the wrong state is 409 INVALID_STATE', async () => {
    const name = await newPool('state');
    const again = await api('POST', `/storage/pools/${name}/start`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE');
    expect((await api('POST', `/storage/pools/${name}/refresh`)).statusCode).toBe(200);
    const stopped = await api('POST', `/storage/pools/${name}/stop`);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json().active).toBe(false);
    for (const action of ['stop', 'refresh']) {
      const res = await api('POST', `/storage/pools/${name}/${action}`, {});
      expect(res.statusCode, action).toBe(409);
      expect(res.json().error.code).toBe('INVALID_STATE');
    }
    expect((await api('GET', `/storage/pools/${name}/volumes`)).json().error.code).toBe('INVALID_STATE');
    expect((await api('POST', `/storage/pools/${name}/start`, {})).json().active).toBe(true);
  });

  it('refuses to remove a pool that holds volumes (409 NOT_EMPTY) unless forced', async () => {
    const name = await newPool('del');
    expect((await api('POST', `/storage/pools/${name}/volumes`, { name: 'v1.qcow2', format: 'qcow2', sizeGiB: 1 })).statusCode).toBe(201);
    const refused = await api('DELETE', `/storage/pools/${name}?hostId=local`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'NOT_EMPTY', details: { volumes: 1 } });
    // Stopped, it still counts its volumes (started briefly for the count).
    await api('POST', `/storage/pools/${name}/stop`);
    expect((await api('DELETE', `/storage/pools/${name}`)).json().error.code).toBe('NOT_EMPTY');
    expect((await api('GET', `/storage/pools/${name}`)).json().active).toBe(false);
    expect((await api('DELETE', `/storage/pools/${name}?force=true`)).statusCode).toBe(204);
    expect((await api('GET', `/storage/pools/${name}`)).statusCode).toBe(404);
  });

  it('removes an empty pool, running or not', async () => {
    const running = await newPool('empty');
    expect((await api('DELETE', `/storage/pools/${running}`)).statusCode).toBe(204);
    const stopped = await newPool('empty2');
    await api('POST', `/storage/pools/${stopped}/stop`);
    expect((await api('DELETE', `/storage/pools/${stopped}`)).statusCode).toBe(204);
    expect((await api('GET', `/storage/pools/${stopped}`)).statusCode).toBe(404);
  });

  it('answers 503 HYPERVISOR_UNAVAILABLE for a host that is not connected', async () => {
    const host = await api('POST', '/hosts', { name: 'unreachable', uri: 'qemu+tcp://127.0.0.1:1/system' });
    expect(host.statusCode).toBe(201);
    for (const [method, url] of [['GET', '/storage/pools?hostId=unreachable'], ['POST', '/storage/pools/p1/start?hostId=unreachable']] as const) {
      const res = await api(method, url, method === 'POST' ? {} : undefined);
      expect(res.statusCode, url).toBe(503);
      expect(res.json().error.code).toBe('HYPERVISOR_UNAVAILABLE');
    }
    await api('DELETE', '/hosts/unreachable');
  });
});

describe('volumes', () => {
  let pool: string;
  beforeAll(async () => { pool = await newPool('vols'); });

  it('creates thin volumes by GiB or bytes, lists and shows them', async () => {
    const a = await api('POST', `/storage/pools/${pool}/volumes?hostId=local`, { name: 'a.qcow2', format: 'qcow2', sizeGiB: 2 });
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ hostId: 'local', pool, name: 'a.qcow2', path: `/srv/${pool}/a.qcow2`, format: 'qcow2', capacityBytes: 2 * GiB, backingStore: null });
    const b = await api('POST', `/storage/pools/${pool}/volumes`, { name: 'b.raw', format: 'raw', capacityBytes: 12345 * 4096 });
    expect(b.json()).toMatchObject({ name: 'b.raw', format: 'raw', capacityBytes: 12345 * 4096 });
    const list = await api('GET', `/storage/pools/${pool}/volumes`);
    expect(list.json().items.map((v: { name: string }) => v.name)).toEqual(['a.qcow2', 'b.raw']);
    expect((await api('GET', `/storage/pools/${pool}/volumes/b.raw`, undefined, auditor)).json().capacityBytes).toBe(12345 * 4096);
    const row = app.db.prepare("SELECT target FROM audit WHERE route = '/storage/pools/:pool/volumes' ORDER BY id DESC LIMIT 1").get();
    expect(row).toEqual({ target: `host:local/pool:${pool}/volume:b.raw` });
  });

  it('refuses a taken name (409 CONFLICT) and a size beyond the free space (409 INSUFFICIENT_SPACE)', async () => {
    await api('POST', `/storage/pools/${pool}/volumes`, { name: 'taken', format: 'raw', sizeGiB: 1 });
    const dup = await api('POST', `/storage/pools/${pool}/volumes`, { name: 'taken', format: 'qcow2', sizeGiB: 1 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');
    const big = await api('POST', `/storage/pools/${pool}/volumes`, { name: 'huge', format: 'qcow2', sizeGiB: 1000 });
    expect(big.statusCode).toBe(409);
    expect(big.json().error).toMatchObject({ code: 'INSUFFICIENT_SPACE', details: { neededBytes: 1000 * GiB } });
  });

  it.each([
    ['both sizes', { name: 'v', format: 'raw', sizeGiB: 1, capacityBytes: 1 }],
    ['no size', { name: 'v', format: 'raw' }],
    ['an iso', { name: 'v', format: 'iso', sizeGiB: 1 }],
    ['a fractional size', { name: 'v', format: 'raw', sizeGiB: 1.5 }],
    ['a name with ..', { name: '..', format: 'raw', sizeGiB: 1 }],
    ['an unknown field', { name: 'v', format: 'raw', sizeGiB: 1, backingStore: '/etc/shadow' }],
  ])('answers 400 to %s', async (_what, body) => {
    expect((await api('POST', `/storage/pools/${pool}/volumes`, body)).statusCode).toBe(400);
  });

  it('answers 400 to a malformed pool or volume name in the path', async () => {
    for (const url of [`/storage/pools/a..b/volumes`, `/storage/pools/${pool}/volumes/%2E%2Eetc`, `/storage/pools/${pool}/volumes/-x`]) {
      const res = await api('GET', url);
      expect(res.statusCode, url).toBe(400);
    }
  });

  it('grows a volume; shrinking is 409 SHRINK_REFUSED; the same size changes nothing', async () => {
    await api('POST', `/storage/pools/${pool}/volumes`, { name: 'grow.qcow2', format: 'qcow2', sizeGiB: 2 });
    const shrink = await api('POST', `/storage/pools/${pool}/volumes/grow.qcow2/resize`, { capacityBytes: GiB });
    expect(shrink.statusCode).toBe(409);
    expect(shrink.json().error).toMatchObject({ code: 'SHRINK_REFUSED', details: { capacityBytes: 2 * GiB } });
    const same = await api('POST', `/storage/pools/${pool}/volumes/grow.qcow2/resize`, { capacityBytes: 2 * GiB });
    expect(same.statusCode).toBe(200);
    expect(same.json().capacityBytes).toBe(2 * GiB);
    expect((await api('POST', `/storage/pools/${pool}/volumes/grow.qcow2/resize`, { capacityBytes: 0 })).statusCode).toBe(400);
    const missing = await api('POST', `/storage/pools/${pool}/volumes/nope/resize`, { capacityBytes: GiB });
    expect(missing.statusCode).toBe(404);
  });

  it('deletes a volume (then 404); an Auditor may not', async () => {
    await api('POST', `/storage/pools/${pool}/volumes`, { name: 'gone.raw', format: 'raw', sizeGiB: 1 });
    expect((await api('DELETE', `/storage/pools/${pool}/volumes/gone.raw`, undefined, auditor)).statusCode).toBe(403);
    expect((await api('DELETE', `/storage/pools/${pool}/volumes/gone.raw`)).statusCode).toBe(204);
    const again = await api('DELETE', `/storage/pools/${pool}/volumes/gone.raw`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('NOT_FOUND');
  });
});
