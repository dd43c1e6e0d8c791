// Networks through the API on libvirt's test:///default driver (shared by every connection in
// this process: each test makes its own uniquely named networks and subnets).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';

let app: FastifyInstance;
let admin: Record<string, string>;
let auditor: Record<string, string>;
const unique = (label: string) => `ut-${label}-${randomBytes(3).toString('hex')}`;
let subnet = 40;
const nextSubnet = () => `10.231.${subnet++}`;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'net-admin', 'Administrator');
  auditor = await tokenFor(app, 'net-auditor', 'Auditor');
});
afterAll(() => app.close());

const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = admin) =>
  app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('networks', () => {
  it("lists the host's networks, defaulting to the first host", async () => {
    const res = await api('GET', '/networks', undefined, auditor);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toContainEqual(expect.objectContaining({
      hostId: 'local', name: 'default', mode: 'nat', bridge: 'virbr0', active: true,
      ipv4: { address: '192.168.122.1', prefix: 24, dhcp: { start: '192.168.122.2', end: '192.168.122.254' }, hosts: [] },
    }));
  });

  it('creates a NAT network with DHCP, started and autostarted, and shows it with its leases', async () => {
    const name = unique('nat');
    const net = nextSubnet();
    const res = await api('POST', '/networks?hostId=local', {
      name, mode: 'nat', ipv4: `${net}.1/24`, domain: 'lab.example',
      dhcp: { start: `${net}.100`, end: `${net}.199`, hosts: [{ mac: '52:54:00:aa:00:01', ip: `${net}.10`, name: 'db' }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      hostId: 'local', name, mode: 'nat', active: true, autostart: true, domain: 'lab.example',
      ipv4: { address: `${net}.1`, prefix: 24, dhcp: { start: `${net}.100`, end: `${net}.199` }, hosts: [{ mac: '52:54:00:aa:00:01', ip: `${net}.10`, name: 'db' }] },
    });
    const detail = await api('GET', `/networks/${name}`, undefined, auditor);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ name, leases: [] });
    const row = app.db.prepare("SELECT target, diff FROM audit WHERE route = '/networks' AND method = 'POST' ORDER BY id DESC LIMIT 1").get() as { target: string; diff: string };
    expect(row.target).toBe(`host:local/network:${name}`);
  });

  it('creates an isolated network, left stopped and manual when asked', async () => {
    const name = unique('iso');
    const res = await api('POST', '/networks', { name, mode: 'isolated', ipv4: `${nextSubnet()}.1/24`, start: false, autostart: false });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ mode: 'isolated', active: false, autostart: false });
  });

  it('creates a bridged network on a host bridge', async () => {
    const name = unique('br');
    const res = await api('POST', '/networks', { name, mode: 'bridge', bridge: 'br0', start: false });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ mode: 'bridge', bridge: 'br0', ipv4: null });
  });

  it('refuses a taken name, an overlapping subnet or a taken bridge (409 CONFLICT)', async () => {
    const name = unique('dup');
    const net = nextSubnet();
    await api('POST', '/networks', { name, mode: 'isolated', bridge: 'ferrybr9', ipv4: `${net}.1/24` });
    for (const body of [
      { name, mode: 'isolated', ipv4: `${nextSubnet()}.1/24` },
      { name: unique('ovl'), mode: 'nat', ipv4: `${net}.129/25` },
      { name: unique('wide'), mode: 'nat', ipv4: '10.231.0.1/16' },
      { name: unique('brg'), mode: 'nat', bridge: 'ferrybr9', ipv4: `${nextSubnet()}.1/24` },
    ]) {
      const res = await api('POST', '/networks', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(409);
      expect(res.json().error.code).toBe('CONFLICT');
    }
  });

  it.each([
    ['a bad name', { name: 'a/b', mode: 'nat', ipv4: '10.231.200.1/24' }],
    ['a name with ..', { name: 'a..b', mode: 'nat', ipv4: '10.231.200.1/24' }],
    ['an unknown mode', { name: 'n', mode: 'route', ipv4: '10.231.200.1/24' }],
    ['no address', { name: 'n', mode: 'nat' }],
    ['a network address as the host', { name: 'n', mode: 'nat', ipv4: '10.231.200.0/24' }],
    ['a broadcast address as the host', { name: 'n', mode: 'nat', ipv4: '10.231.200.255/24' }],
    ['a prefix out of range', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/31' }],
    ['a malformed address', { name: 'n', mode: 'nat', ipv4: '10.231.300.1/24' }],
    ['a DHCP range outside the subnet', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/24', dhcp: { start: '10.231.201.10', end: '10.231.201.20' } }],
    ['a DHCP range that includes the host', { name: 'n', mode: 'nat', ipv4: '10.231.200.50/24', dhcp: { start: '10.231.200.10', end: '10.231.200.90' } }],
    ['a backwards DHCP range', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/24', dhcp: { start: '10.231.200.90', end: '10.231.200.10' } }],
    ['a static host outside the subnet', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/24', dhcp: { start: '10.231.200.10', end: '10.231.200.20', hosts: [{ mac: '52:54:00:00:00:01', ip: '10.9.9.9' }] } }],
    ['a multicast MAC', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/24', dhcp: { start: '10.231.200.10', end: '10.231.200.20', hosts: [{ mac: '01:00:5e:00:00:01', ip: '10.231.200.5' }] } }],
    ['a bridge name too long', { name: 'n', mode: 'bridge', bridge: 'a-very-long-bridge-name' }],
    ['a bridged network without its bridge', { name: 'n', mode: 'bridge' }],
    ['a bridged network with an address', { name: 'n', mode: 'bridge', bridge: 'br0', ipv4: '10.231.200.1/24' }],
    ['markup in the domain', { name: 'n', mode: 'nat', ipv4: '10.231.200.1/24', domain: "x'/><forward mode='nat'/>" }],
  ])('answers 400 to %s', async (_what, body) => {
    const res = await api('POST', '/networks', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('starts and stops; the wrong state is 409 INVALID_STATE', async () => {
    const name = unique('state');
    await api('POST', '/networks', { name, mode: 'isolated', ipv4: `${nextSubnet()}.1/24` });
    const again = await api('POST', `/networks/${name}/start`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE');
    expect((await api('POST', `/networks/${name}/stop`)).json().active).toBe(false);
    expect((await api('POST', `/networks/${name}/stop`)).json().error.code).toBe('INVALID_STATE');
    expect((await api('POST', `/networks/${name}/start`)).json().active).toBe(true);
  });

  it('sets autostart', async () => {
    const name = unique('auto');
    await api('POST', '/networks', { name, mode: 'isolated', ipv4: `${nextSubnet()}.1/24` });
    const off = await api('PUT', `/networks/${name}/autostart`, { enabled: false });
    expect(off.statusCode).toBe(200);
    expect(off.json().autostart).toBe(false);
    expect((await api('PUT', `/networks/${name}/autostart`, { enabled: 'no' })).statusCode).toBe(400);
    expect((await api('PUT', `/networks/${name}/autostart`, { enabled: true }, auditor)).statusCode).toBe(403);
  });

  it('deletes a network, running or not (then 404)', async () => {
    const name = unique('del');
    await api('POST', '/networks', { name, mode: 'isolated', ipv4: `${nextSubnet()}.1/24` });
    expect((await api('DELETE', `/networks/${name}`, undefined, auditor)).statusCode).toBe(403);
    expect((await api('DELETE', `/networks/${name}?hostId=local`)).statusCode).toBe(204);
    const gone = await api('GET', `/networks/${name}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('NOT_FOUND');
    expect((await api('DELETE', `/networks/${name}`)).statusCode).toBe(404);
  });

  it('answers 401 without credentials, 403 to an Auditor, 404 for an unknown host', async () => {
    const body = { name: unique('x'), mode: 'isolated', ipv4: '10.231.250.1/24' };
    expect((await app.inject({ method: 'POST', url: '/api/v1/networks', payload: body })).statusCode).toBe(401);
    expect((await api('POST', '/networks', body, auditor)).statusCode).toBe(403);
    expect((await api('GET', '/networks?hostId=nope')).statusCode).toBe(404);
    expect((await api('POST', '/networks/nope-net/start', {})).statusCode).toBe(404);
  });
});
