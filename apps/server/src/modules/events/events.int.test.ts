// The event stream on the real daemon (qemu:///system): changes made with `virsh`, outside
// Ferry, reach a WebSocket client with the right reasons; after a libvirtd restart the stream
// goes on (host.state, a resync, callbacks registered again). The guest has no disk and is
// never sent any traffic: QEMU only has to start.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { EventSocket, listen } from '../../test-support/event-socket.ts';
import { TEST_PREFIX } from '../../../../../scripts/tinyguest/domain.ts';
import { daemonAnswers, startLibvirtd, stopLibvirtd } from '../../../../../scripts/testing/libvirtd.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-ev-int-'));
const made: string[] = [];
let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;

const virsh = (...args: string[]): string =>
  execFileSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });

function defineTiny(): { name: string; uuid: string } {
  const name = `${TEST_PREFIX}ev-${randomBytes(3).toString('hex')}`;
  const file = path.join(dir, `${name}.xml`);
  writeFileSync(file, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>`
    + `<os><type arch='x86_64'>hvm</type></os><devices/></domain>`);
  made.push(name);
  virsh('define', file);
  return { name, uuid: virsh('domuuid', name).trim() };
}

beforeAll(async () => {
  if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
  app = await buildTestApp({ libvirtUri: 'qemu:///system' });
  base = await listen(app);
  admin = await tokenFor(app, 'ev-int-admin', 'Administrator');
});
afterAll(async () => {
  if (!daemonAnswers()) await startLibvirtd();
  for (const name of made) {
    try { virsh('destroy', name); } catch { /* not running */ }
    try { virsh('undefine', name); } catch { /* already gone */ }
  }
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('events from libvirt', () => {
  it('shows a domain defined, started, destroyed and undefined with virsh as config and state events', async () => {
    const s = await EventSocket.open(base, { headers: admin });
    await s.waitFor((m) => m.type === 'hello');
    const { name, uuid } = defineTiny();
    virsh('start', name);
    virsh('destroy', name);
    virsh('undefine', name);
    const words = () => s.events.filter((m) => m.vmId === uuid)
      .map((m) => (m.type === 'vm.config' ? `config:${String(m.change)}` : `state:${String(m.state)}:${String(m.reason)}`));
    await s.until(() => words().includes('config:undefined'), 15_000, 'the domain’s events up to its undefine');
    // QEMU's driver adds transitions of its own (a start resumes the paused CPUs: running/unpaused;
    // a destroy reports the shutdown first: other/host), so these four come in this order among them.
    const expected = ['config:defined', 'state:running:booted', 'state:shutoff:destroyed', 'config:undefined'];
    expect(words().filter((w) => expected.includes(w)), words().join(' ')).toEqual(expected);
    expect(words().at(-2)).toBe('state:shutoff:destroyed');
    expect(s.events.filter((m) => m.vmId === uuid).every((m) => m.hostId === 'local' && m.name === name)).toBe(true);
    await s.close();
  });

  it('goes on after libvirtd restarts: host.state, resync, and events from the new connection', async () => {
    const s = await EventSocket.open(base, { headers: admin });
    await s.waitFor((m) => m.type === 'hello');
    await stopLibvirtd();
    await s.waitFor((m) => m.type === 'host.state' && m.state === 'disconnected', 15_000);
    await startLibvirtd();
    const up = await s.waitFor((m) => m.type === 'host.state' && m.state === 'connected', 30_000);
    const resync = await s.waitFor((m) => m.type === 'resync', 5_000);
    expect(resync).toMatchObject({ reason: 'host-reconnected' });
    expect(resync.seq as number).toBeGreaterThanOrEqual(up.seq as number);

    const { name, uuid } = defineTiny();
    virsh('undefine', name);
    await s.until(() => s.events.filter((m) => m.vmId === uuid).length >= 2, 15_000, 'the new domain’s events');
    expect(s.events.filter((m) => m.vmId === uuid).map((m) => m.change)).toEqual(['defined', 'undefined']); // once each: no stale subscription
    await s.close();
  });
});
