// Console tickets never reach a log line nor the database: issued through the API at trace
// level, used for a real socket, replayed, and sent to a wrong VM, they are searched for in the
// raw log text and in every audit row.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openMemoryDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { listen } from '../../test-support/event-socket.ts';
import { closed, connect, fakeVncServer, viewerHandshake, type FakeVnc } from '../../test-support/console-socket.ts';

const lines: string[] = [];
let app: FastifyInstance;
let vnc: FakeVnc;

beforeAll(async () => {
  app = await buildApp({ config: testConfig({ logLevel: 'trace' }), db: openMemoryDatabase(), logDestination: { write: (l: string) => { lines.push(l); } } });
  await app.ready();
  await app.hosts.get('local').waitConnected(10_000);
  vnc = await fakeVncServer('pw');
});
afterAll(async () => {
  await app.close();
  await vnc.close();
});

it('no issued ticket appears in any log line or audit row', async () => {
  const base = await listen(app);
  const admin = await tokenFor(app, 'con-log', 'Administrator');
  const conn = app.hosts.get('local').requireConnection();
  const ref = await conn.defineDomain(`<domain type='test'><name>ferry-test-console-log-${randomBytes(3).toString('hex')}</name><memory>65536</memory>`
    + `<os><type>hvm</type></os><devices><graphics type='vnc' port='${vnc.port}' autoport='no' listen='127.0.0.1' passwd='pw'/></devices></domain>`);
  await conn.domain(ref.uuid).start();
  const issue = async () => (await app.inject({ method: 'POST', url: `/api/v1/vms/${ref.uuid}/console`, headers: admin, payload: { kind: 'vnc' } })).json() as { ticket: string; path: string };

  const used = await issue();
  const ws = await connect(base, used.path, admin);
  if ('status' in ws) throw new Error(`refused: ${ws.status}`);
  await viewerHandshake(ws);
  const done = closed(ws);
  ws.close();
  await done;
  const replay = await connect(base, used.path, admin);
  expect('status' in replay && replay.status).toBe(403);
  const wrongVm = await issue();
  const other = await connect(base, `/api/v1/vms/00000000-0000-4000-8000-000000000000/console/vnc?ticket=${wrongVm.ticket}`, admin);
  expect('status' in other && other.status).toBe(403);
  const nowhere = await issue();
  const missing = await connect(base, `/api/v1/nowhere?ticket=${nowhere.ticket}`, admin);
  expect('status' in missing && missing.status).toBe(404);

  const text = lines.join('');
  expect(text).toContain('console socket refused'); // the refusals were logged — without their tickets
  const audit = JSON.stringify(app.db.prepare('SELECT * FROM audit').all());
  expect(audit).toContain('/vms/:vmId/console/vnc');
  for (const t of [used.ticket, wrongVm.ticket, nowhere.ticket]) {
    expect(text).not.toContain(t);
    expect(audit).not.toContain(t);
  }
});
