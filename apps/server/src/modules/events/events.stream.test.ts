// What flows on /api/v1/events: visibility and topics, resume exactly once, the window, libvirt
// events from test:///default, a host reconnect, stats. Backpressure has its own file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { EventInput, StatsMessage } from '@ferry/contract';
import { setDomainTags } from '@ferry/domain-xml';
import { constants as C } from '@ferry/libvirt';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { createUser, tokenFor } from '../../test-support/auth-helpers.ts';
import { EventSocket, listen, type Msg } from '../../test-support/event-socket.ts';

const VM_A = '11111111-1111-4111-8111-111111111111';
const VM_B = '22222222-2222-4222-8222-222222222222';
const WINDOW = 50;

let app: FastifyInstance;
let base: string;
let admin: Record<string, string>;
const open: EventSocket[] = [];
const connect = async (headers: Record<string, string>, since?: number) => {
  const s = await EventSocket.open(base, { headers, ...(since === undefined ? {} : { since }) });
  open.push(s);
  await s.waitFor((m) => m.type === 'hello');
  return s;
};

const vmState = (vmId: string, reason = 'booted'): EventInput =>
  ({ type: 'vm.state', vmId, hostId: 'local', name: `vm-${vmId.slice(0, 4)}`, state: 'running', reason, at: new Date().toISOString() });
const task = (userId: string | null, vmId = VM_A): EventInput => ({
  type: 'task', at: new Date().toISOString(),
  task: { id: 't1', type: 'vm.start', state: 'running', target: { kind: 'vm', id: vmId }, hostId: 'local', userId, username: null, cancellable: false, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null },
});
const stats = (): StatsMessage => ({
  type: 'stats', hostId: 'local', at: new Date().toISOString(), intervalS: 2,
  host: { cpuPct: 5, memUsedMiB: 100, memTotalMiB: 1000 },
  vms: [VM_A, VM_B].map((vmId) => ({ vmId, cpuPct: 1, memUsedMiB: 1, memAvailableMiB: 1, diskReadBps: 0, diskWriteBps: 0, diskReadIops: 0, diskWriteIops: 0, netRxBps: 0, netTxBps: 0 })),
});
const seqs = (s: EventSocket) => s.events.map((m) => m.seq as number);

beforeAll(async () => {
  app = await buildTestApp({}, { events: { windowEvents: WINDOW, seqBase: 1000 } });
  base = await listen(app);
  admin = await tokenFor(app, 'st-admin', 'Administrator');
});
afterAll(async () => {
  for (const s of open) await s.close();
  await app.close();
});

describe('who sees what', () => {
  it('shows a user with a grant on one VM only that VM’s events and stats, and only their own tasks', async () => {
    const olga = await createUser(app, { username: 'st-olga', grants: [{ path: `/vms/${VM_A}`, role: 'Operator' }] });
    const o = await connect(await tokenFor(app, 'st-olga'));
    const a = await connect(admin);
    const adminId = (app.db.prepare("SELECT id FROM users WHERE username = 'st-admin'").get() as { id: string }).id;
    app.events.publish(vmState(VM_B));
    app.events.publish(vmState(VM_A));
    app.events.publish({ type: 'host.state', hostId: 'local', state: 'connected', lastError: null, at: new Date().toISOString() });
    app.events.publish(task(adminId));
    app.events.publish(task(olga.id));
    app.events.publishStats(stats());
    const last = app.events.publish(vmState(VM_A, 'last'));
    await Promise.all([o, a].map((s) => s.waitFor((m) => m.seq === last.seq)));
    expect(o.events.map((m) => `${m.type}:${String(m.vmId ?? (m.task as { userId: string } | undefined)?.userId ?? m.hostId)}`))
      .toEqual([`vm.state:${VM_A}`, `task:${olga.id}`, `vm.state:${VM_A}`]);
    expect(a.events).toHaveLength(6);
    const ostats = await o.waitFor((m) => m.type === 'stats');
    expect(ostats.host).toBeNull();
    expect((ostats.vms as { vmId: string }[]).map((v) => v.vmId)).toEqual([VM_A]);
    expect(((await a.waitFor((m) => m.type === 'stats')).vms as unknown[])).toHaveLength(2);
    expect(a.binaryFrames + o.binaryFrames).toBe(0); // shared Buffers still go out as text frames
  });

  it('narrows to the subscribed topics', async () => {
    const s = await connect(admin);
    s.send({ type: 'subscribe', topics: [`vm:${VM_B}`] });
    await new Promise((r) => setTimeout(r, 100)); // the subscription is applied when it arrives
    app.events.publish(vmState(VM_A));
    app.events.publish(task(null, VM_A));
    app.events.publish({ type: 'host.state', hostId: 'local', state: 'connected', lastError: null, at: new Date().toISOString() });
    app.events.publishStats(stats());
    const b = app.events.publish(vmState(VM_B));
    await s.waitFor((m) => m.seq === b.seq);
    expect(s.events.map((m) => m.seq)).toEqual([b.seq]);
    const st = await s.waitFor((m) => m.type === 'stats');
    expect(st.host).toBeNull();
    expect((st.vms as { vmId: string }[]).map((v) => v.vmId)).toEqual([VM_B]);

    s.send({ type: 'subscribe', topics: ['tasks'] });
    await new Promise((r) => setTimeout(r, 100));
    app.events.publish(vmState(VM_B));
    const t = app.events.publish(task(null, VM_B));
    await s.waitFor((m) => m.seq === t.seq);
    expect(s.events.map((m) => m.type)).toEqual(['vm.state', 'task']);
  });
});

describe('resume with ?since', () => {
  it('replays each missed event exactly once, then continues live — with events published all along', async () => {
    const s = await connect(admin);
    const first = app.events.publish(vmState(VM_A));
    await s.waitFor((m) => m.seq === first.seq);
    await s.close();
    // A publisher that does not stop while the client is away and while it comes back.
    const pump = setInterval(() => { app.events.publish(vmState(VM_A, 'pumped')); }, 1);
    await new Promise((r) => setTimeout(r, 30));
    const back = await connect(admin, first.seq);
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(pump);
    const last = app.events.publish(vmState(VM_A, 'after'));
    await back.waitFor((m) => m.seq === last.seq);
    const got = seqs(back);
    expect(got[0]).toBe(first.seq + 1);
    expect(got).toEqual(Array.from({ length: last.seq - first.seq }, (_, i) => first.seq + 1 + i)); // no gap, no duplicate
    const hello = back.messages[0]!;
    expect(hello.seq).toBeGreaterThan(first.seq); // replayed part: up to hello.seq; live after it
    expect(hello.seq).toBeLessThan(last.seq);
  });

  it('tells a client to resync when its seq has left the window, or was never issued', async () => {
    const old = app.events.lastSeq;
    for (let i = 0; i < WINDOW + 5; i++) app.events.publish(vmState(VM_B));
    for (const since of [old, app.events.lastSeq + 10, 3]) {
      const s = await connect(admin, since);
      const r = await s.waitFor((m) => m.type === 'resync');
      expect(r).toEqual({ type: 'resync', reason: 'window', seq: app.events.lastSeq });
      expect(s.events).toEqual([]);
    }
  });

  it('replays nothing for a client that is up to date, and only what it may see', async () => {
    await createUser(app, { username: 'st-vera', grants: [{ path: `/vms/${VM_B}`, role: 'Auditor' }] });
    const vera = await tokenFor(app, 'st-vera');
    const since = app.events.lastSeq;
    app.events.publish(vmState(VM_A));
    const b = app.events.publish(vmState(VM_B));
    const s = await connect(vera, since);
    await s.waitFor((m) => m.seq === b.seq);
    expect(seqs(s)).toEqual([b.seq]);
    const current = await connect(admin, app.events.lastSeq);
    await new Promise((r) => setTimeout(r, 50));
    expect(current.events).toEqual([]);
  });
});

describe('libvirt events', () => {
  it('turns a suspend and a resume of a test:///default domain into vm.state events with reasons', async () => {
    const s = await connect(admin);
    const conn = app.hosts.get('local').requireConnection();
    const ref = await conn.lookupDomainByName('test');
    await conn.domain(ref.uuid).suspend();
    await conn.domain(ref.uuid).resume();
    const isTest = (m: Msg) => m.type === 'vm.state' && m.vmId === ref.uuid;
    await s.until(() => s.events.filter(isTest).length >= 2, 5000);
    expect(s.events.filter(isTest).map((m) => [m.state, m.reason, m.name, m.hostId]))
      .toEqual([['paused', 'paused', 'test', 'local'], ['running', 'unpaused', 'test', 'local']]);
  });

  it('after a host reconnects: host.state, a resync, and libvirt events still arrive', async () => {
    const s = await connect(admin);
    const host = app.hosts.get('local');
    await host.reconfigure({ ...host.record });
    await host.waitConnected(10_000);
    const connected = await s.waitFor((m) => m.type === 'host.state' && m.state === 'connected');
    const resync = await s.waitFor((m) => m.type === 'resync');
    expect(resync.reason).toBe('host-reconnected');
    expect(resync.seq).toBeGreaterThanOrEqual(connected.seq as number);
    expect(s.events.some((m) => m.type === 'host.state' && m.state === 'connecting')).toBe(true);
    const conn = host.requireConnection();
    const ref = await conn.lookupDomainByName('test');
    await conn.domain(ref.uuid).suspend();
    await conn.domain(ref.uuid).resume();
    await s.waitFor((m) => m.type === 'vm.state' && m.reason === 'unpaused');
    // Exactly one subscription per kind on the new connection: no doubled events.
    await new Promise((r) => setTimeout(r, 100));
    expect(s.events.filter((m) => m.type === 'vm.state').length).toBe(2);
  });

  it('says a host was removed, so dashboards drop it and its VMs', async () => {
    const s = await connect(admin);
    const added = await app.inject({ method: 'POST', url: '/api/v1/hosts', headers: admin, payload: { name: 'gone-soon', uri: 'test:///default' } });
    expect(added.statusCode).toBe(201);
    const id = added.json().id as string;
    await s.waitFor((m) => m.type === 'host.state' && m.hostId === id && m.state === 'connected');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/hosts/${id}`, headers: admin })).statusCode).toBeLessThan(300);
    const gone = await s.waitFor((m) => m.type === 'host.state' && m.hostId === id && m.removed === true);
    expect(gone).toMatchObject({ state: 'disconnected', lastError: 'removed from Ferry' });
    expect(s.events.filter((m) => m.type === 'host.state' && m.hostId === id && m.state === 'connected').every((m) => m.removed === undefined)).toBe(true);
  });

  it('keeps the VM catalog hearing lifecycle events: a definition changed outside Ferry shows in the list', async () => {
    // The catalog cannot subscribe on its own next to this source (one registration per kind
    // per connection); it listens through app.domainEvents instead.
    const list = async () => (await app.inject({ method: 'GET', url: '/api/v1/vms', headers: admin })).json().items as { name: string; tags: string[] }[];
    expect((await list()).find((v) => v.name === 'test')?.tags).toEqual([]);
    const conn = app.hosts.get('local').requireConnection();
    const ref = await conn.lookupDomainByName('test');
    const s = await connect(admin);
    await conn.defineDomain(setDomainTags(await conn.domain(ref.uuid).getXML(C.VIR_DOMAIN_XML_INACTIVE), ['outside']));
    await s.waitFor((m) => m.type === 'vm.config' && m.vmId === ref.uuid && m.change === 'updated');
    expect((await list()).find((v) => v.name === 'test')?.tags).toEqual(['outside']);
  });

  it('turns a task’s changes into task events', async () => {
    const s = await connect(admin);
    const id = app.tasks.submit({ type: 'test.noop', target: { kind: 'system', id: 'x' }, run: async () => 42 });
    await s.waitFor((m) => m.type === 'task' && (m.task as { id: string; state: string }).state === 'succeeded');
    expect(s.events.filter((m) => m.type === 'task').every((m) => (m.task as { id: string }).id === id)).toBe(true);
  });
});
