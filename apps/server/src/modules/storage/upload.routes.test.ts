// Uploads through the API on test:///default. That driver has no virStorageVolUpload, so the
// libvirt stream is replaced by a recording fake (everything else — pools, the placeholder
// volume, its removal — is the driver's); the real stream is in storage.int.test.ts.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Connection, Stream } from '@ferry/libvirt';
import { buildTestApp } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { qcow2Header } from './test-images.ts';

/** Records what it is given; can be told to fail or to hold writes. */
class FakeStream extends EventEmitter {
  chunks: Buffer[] = [];
  finished = false;
  aborted = false;
  failAfter = Infinity;
  get bytes(): Buffer { return Buffer.concat(this.chunks); }
  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(chunk));
    if (this.bytes.length > this.failAfter) this.emit('error', Object.assign(new Error('disk full'), { kind: 'libvirt' }));
  }
  async finish(): Promise<void> { this.finished = true; }
  async abort(): Promise<void> { this.aborted = true; }
}

let app: FastifyInstance;
let conn: Connection;
let admin: Record<string, string>;
let pool: string;
let stream: FakeStream;

beforeAll(async () => {
  app = await buildTestApp();
  admin = await tokenFor(app, 'upload-admin', 'Administrator');
  conn = app.hosts.get('local').requireConnection();
  pool = `ut-up-${randomBytes(3).toString('hex')}`;
  const res = await app.inject({ method: 'POST', url: '/api/v1/storage/pools', headers: admin, payload: { name: pool, type: 'dir', path: `/srv/${pool}` } });
  expect(res.statusCode).toBe(201);
});
afterAll(() => app.close());

function fakeUploads(setup: (s: FakeStream) => void = () => undefined) {
  stream = new FakeStream();
  setup(stream);
  return vi.spyOn(conn, 'uploadVolume').mockImplementation(async () => stream as unknown as Stream);
}
afterEach(() => vi.restoreAllMocks());

const upload = (name: string, format: string, payload: Buffer | Readable, headers: Record<string, string> = {}) => app.inject({
  method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes/upload?hostId=local&name=${name}&format=${format}`,
  headers: { ...admin, 'content-type': 'application/octet-stream', ...headers }, payload,
});
const waitTask = async (taskId: string) => (await app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}?wait=10`, headers: admin })).json();
const volumeExists = async (name: string) => (await app.inject({ method: 'GET', url: `/api/v1/storage/pools/${pool}/volumes/${name}`, headers: admin })).statusCode === 200;
// Bytes that look like no image format: what a raw disk's first sectors may be.
const rawBytes = (n: number) => { const b = randomBytes(n); b[0] = 0xeb; return b; };

describe('POST /storage/pools/:pool/volumes/upload', () => {
  it('streams the body into a new volume and answers 202; the task names the volume', async () => {
    fakeUploads();
    const body = rawBytes(3 * 1024 * 1024 + 17);
    const res = await upload('disk.raw', 'raw', body);
    expect(res.statusCode, res.body).toBe(202);
    const task = await waitTask(res.json().taskId);
    expect(task).toMatchObject({ type: 'volume.upload', state: 'succeeded', hostId: 'local', target: { kind: 'pool', id: pool } });
    expect(task.result).toEqual({ pool, volume: 'disk.raw', path: `/srv/${pool}/disk.raw`, format: 'raw', capacityBytes: body.length });
    expect(task.progress).toMatchObject({ phase: 'checking', bytes: body.length, totalBytes: body.length, percent: 100 });
    expect(stream.bytes.equals(body)).toBe(true);
    expect(stream.finished).toBe(true);
    // Written in pieces of at most 1 MiB, never the whole body at once.
    expect(Math.max(...stream.chunks.map((c) => c.length))).toBeLessThanOrEqual(1024 * 1024);
    expect(conn.uploadVolume).toHaveBeenCalledWith(pool, 'disk.raw', { length: body.length });
    expect(await volumeExists('disk.raw')).toBe(true);
  });

  it('refuses a qcow2 with a backing file before writing a byte; the task fails and the volume is gone', async () => {
    fakeUploads();
    const res = await upload('overlay.qcow2', 'qcow2', Buffer.concat([qcow2Header({ backingFile: '/etc/shadow' }), Buffer.alloc(200_000)]));
    expect(res.statusCode).toBe(400);
    expect(res.headers.connection).toBe('close');
    const err = res.json().error;
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('backing file') });
    const task = await waitTask(err.details.taskId);
    expect(task).toMatchObject({ state: 'failed', error: { code: 'BAD_REQUEST' } });
    expect(stream.chunks).toHaveLength(0);
    expect(stream.aborted).toBe(true);
    expect(await volumeExists('overlay.qcow2')).toBe(false);
    const log = (await app.inject({ method: 'GET', url: `/api/v1/tasks/${err.details.taskId}/log`, headers: admin })).json().items;
    expect(log.map((l: { message: string }) => l.message)).toContainEqual(expect.stringContaining('removed the partial volume'));
  });

  it('refuses a qcow2 sent as raw, and a qcow2 whose virtual size exceeds the free space', async () => {
    fakeUploads();
    const disguised = await upload('sneaky.raw', 'raw', qcow2Header({}));
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error.message).toMatch(/declared raw, but the bytes are a qcow\/qcow2 image/);
    const huge = await upload('huge.qcow2', 'qcow2', qcow2Header({ virtualSize: 2 ** 50 }));
    expect(huge.statusCode).toBe(409);
    expect(huge.json().error.code).toBe('INSUFFICIENT_SPACE');
    expect(await volumeExists('sneaky.raw')).toBe(false);
    expect(await volumeExists('huge.qcow2')).toBe(false);
  });

  it('removes the volume when libvirt fails mid-way', async () => {
    fakeUploads((s) => { s.failAfter = 1024 * 1024; });
    const res = await upload('broken.raw', 'raw', rawBytes(4 * 1024 * 1024));
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL');
    expect((await waitTask(res.json().error.details.taskId)).state).toBe('failed');
    expect(await volumeExists('broken.raw')).toBe(false);
  });

  it('removes the volume when the body ends before its Content-Length (a client that went away)', async () => {
    fakeUploads();
    const res = await upload('short.raw', 'raw', Readable.from([rawBytes(100_000)]), { 'content-length': '5000000' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/ended after 100000 of 5000000 bytes/);
    expect(await volumeExists('short.raw')).toBe(false);
  });

  it('is cancelled by DELETE /tasks/:id while the bytes flow; the volume is removed', async () => {
    fakeUploads();
    let taskId = '';
    const body = new Readable({ read() {} });
    body.push(rawBytes(200_000));
    const pending = upload('cancel.raw', 'raw', body, { 'content-length': '10000000' });
    for (let i = 0; i < 100 && !taskId; i++) {
      await new Promise((r) => setTimeout(r, 20));
      taskId = (await app.inject({ method: 'GET', url: '/api/v1/tasks?type=volume.upload&state=running', headers: admin })).json().items[0]?.id ?? '';
    }
    expect(taskId).not.toBe('');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/tasks/${taskId}`, headers: admin })).statusCode).toBe(200);
    await pending.catch(() => undefined); // the request is cut: it may not answer at all
    expect((await waitTask(taskId)).state).toBe('cancelled');
    expect(await volumeExists('cancel.raw')).toBe(false);
  });

  it('checks the size before reading: Content-Length required, within the maximum and the free space', async () => {
    const spy = fakeUploads();
    const chunked = await upload('c.raw', 'raw', Readable.from([rawBytes(10)]));
    expect(chunked.statusCode).toBe(400);
    expect(chunked.json().error.message).toMatch(/Content-Length/);
    const empty = await upload('e.raw', 'raw', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    const tooBig = await upload('b.raw', 'raw', rawBytes(10), { 'content-length': String(300 * 2 ** 30) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const noSpace = await upload('n.raw', 'raw', rawBytes(10), { 'content-length': String(200 * 2 ** 30) });
    expect(noSpace.statusCode).toBe(409);
    expect(noSpace.json().error.code).toBe('INSUFFICIENT_SPACE');
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a taken name (409), a stopped pool (409) and an unknown pool (404)', async () => {
    fakeUploads();
    await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes`, headers: admin, payload: { name: 'exists.raw', format: 'raw', sizeGiB: 1 } });
    expect((await upload('exists.raw', 'raw', rawBytes(10))).json().error.code).toBe('CONFLICT');
    const stopped = `ut-stopped-${randomBytes(3).toString('hex')}`;
    await app.inject({ method: 'POST', url: '/api/v1/storage/pools', headers: admin, payload: { name: stopped, type: 'dir', path: `/srv/${stopped}` } });
    await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${stopped}/stop`, headers: admin });
    const res = await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${stopped}/volumes/upload?name=x.raw&format=raw`, headers: { ...admin, 'content-type': 'application/octet-stream' }, payload: rawBytes(10) });
    expect(res.json().error.code).toBe('INVALID_STATE');
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/storage/pools/no-such-pool/volumes/upload?name=x.raw&format=raw', headers: { ...admin, 'content-type': 'application/octet-stream' }, payload: rawBytes(10) });
    expect(unknown.statusCode).toBe(404);
  });

  it.each([
    ['no name', 'format=raw'],
    ['a name with ..', 'name=..x&format=raw'],
    ['a name with a slash', 'name=a%2Fb&format=raw'],
    ['an unknown format', 'name=x&format=vmdk'],
    ['an unknown query field', 'name=x&format=raw&path=/etc'],
  ])('answers 400 to %s', async (_what, qs) => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes/upload?${qs}`, headers: { ...admin, 'content-type': 'application/octet-stream' }, payload: rawBytes(10) });
    expect(res.statusCode).toBe(400);
  });

  it('takes only application/octet-stream, and only this route does', async () => {
    const json = await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes/upload?name=j.raw&format=raw`, headers: admin, payload: { bytes: 'x' } });
    expect(json.statusCode).toBe(400);
    const text = await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes/upload?name=t.raw&format=raw`, headers: { ...admin, 'content-type': 'text/plain' }, payload: 'x' });
    expect(text.statusCode).toBe(415);
    const elsewhere = await app.inject({ method: 'POST', url: `/api/v1/storage/pools/${pool}/volumes`, headers: { ...admin, 'content-type': 'application/octet-stream' }, payload: rawBytes(10) });
    expect(elsewhere.statusCode).toBe(415);
  });

  it('is refused to an Auditor before the body is read, and closes the connection', async () => {
    const spy = fakeUploads();
    const auditor = await tokenFor(app, 'upload-auditor', 'Auditor');
    const res = await upload('a.raw', 'raw', rawBytes(10), auditor);
    expect(res.statusCode).toBe(403);
    expect(res.headers.connection).toBe('close');
    expect(spy).not.toHaveBeenCalled();
  });

  it('is documented in OpenAPI as an octet-stream body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const op = doc.paths['/storage/pools/{pool}/volumes/upload'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(['application/octet-stream']);
    expect(op.requestBody.content['application/octet-stream'].schema).toMatchObject({ type: 'string', format: 'binary' });
  });
});
