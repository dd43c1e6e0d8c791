// Networks through Ferry against the real qemu:///system daemon: an isolated network (no
// <forward>, so no NAT rules and no route out) on a 10.231.x.0/24 subnet, started, stopped
// and removed, each step checked with virsh. No guest is started and no traffic is sent.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { TEST_PREFIX } from '../../../../../scripts/tinyguest/domain.ts';
import { daemonAnswers } from '../../../../../scripts/testing/libvirtd.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-net-int-'));
const name = `${TEST_PREFIX}net-${randomBytes(3).toString('hex')}`;
const bridge = `fnet${randomBytes(2).toString('hex')}`;
let app: FastifyInstance;
let auth: Record<string, string>;

const virshOk = (...args: string[]) => spawnSync('virsh', ['-c', 'qemu:///system', ...args], { stdio: 'ignore' }).status === 0;
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });

/** A 10.231.x.0/24 no network on this host uses yet. */
function freeSubnet(): string {
  const used = virsh('net-list', '--all', '--name').split('\n').filter(Boolean).map((n) => virsh('net-dumpxml', n)).join('\n');
  for (;;) {
    const candidate = `10.231.${randomInt(100, 200)}`;
    if (!used.includes(`${candidate}.`)) return candidate;
  }
}

beforeAll(async () => {
  if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
  app = await buildApp({ config: testConfig({ libvirtUri: 'qemu:///system', dataDir }), db: openDatabase(dataDir), logger: false });
  await app.ready();
  await app.hosts.get('local').waitConnected(10_000);
  auth = await tokenFor(app, 'net-int-admin', 'Administrator');
});
afterAll(async () => {
  if (virshOk('net-info', name)) {
    virshOk('net-destroy', name);
    virshOk('net-undefine', name);
  }
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('networks on qemu:///system', () => {
  it('creates an isolated network with DHCP, stops, starts and removes it', async () => {
    const net = freeSubnet();
    const created = await api('POST', '/networks?hostId=local', {
      name, mode: 'isolated', bridge, ipv4: `${net}.1/24`, dhcp: { start: `${net}.100`, end: `${net}.150` }, autostart: false,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name, mode: 'isolated', bridge, active: true, autostart: false });
    expect(virsh('net-info', name)).toMatch(/Active:\s+yes/);
    const xml = virsh('net-dumpxml', name);
    expect(xml).not.toContain('<forward');
    expect(xml).toContain(`<ip address='${net}.1' prefix='24'>`);
    expect(xml).toContain(`<range start='${net}.100' end='${net}.150'/>`);

    const detail = await api('GET', `/networks/${name}?hostId=local`);
    expect(detail.json()).toMatchObject({ name, active: true, leases: [] });

    expect((await api('POST', `/networks/${name}/stop`)).json().active).toBe(false);
    expect(virsh('net-info', name)).toMatch(/Active:\s+no/);
    expect((await api('POST', `/networks/${name}/stop`)).json().error.code).toBe('INVALID_STATE');
    expect((await api('POST', `/networks/${name}/start`)).json().active).toBe(true);
    expect(virsh('net-info', name)).toMatch(/Active:\s+yes/);
    expect((await api('PUT', `/networks/${name}/autostart`, { enabled: true })).json().autostart).toBe(true);
    expect(virsh('net-info', name)).toMatch(/Autostart:\s+yes/);

    expect((await api('DELETE', `/networks/${name}`)).statusCode).toBe(204);
    expect(virshOk('net-info', name)).toBe(false);
  });
});
