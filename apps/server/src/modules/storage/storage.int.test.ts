// Storage through a real listening Ferry against the real qemu:///system daemon: a dir pool
// under a temporary directory, uploads streamed over HTTP and followed as tasks, each outcome
// checked by an independent observer (virsh, sha256 of the file, qemu-img) rather than by
// Ferry's own answers. No guest is started.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { openDatabase } from '../../db/database.ts';
import { testConfig } from '../../test-support/build-test-app.ts';
import { tokenFor } from '../../test-support/auth-helpers.ts';
import { checkUploadedVolume } from './image-check.ts';
import { TEST_PREFIX } from '../../../../../scripts/tinyguest/domain.ts';
import { ensureTinyGuest, type TinyGuestImage } from '../../../../../scripts/tinyguest/tinyguest.ts';
import { daemonAnswers } from '../../../../../scripts/testing/libvirtd.ts';

const work = mkdtempSync(path.join(tmpdir(), 'ferry-storage-int-'));
const dataDir = path.join(work, 'data');
const pool = `${TEST_PREFIX}pool-${randomBytes(3).toString('hex')}`;
const poolDir = path.join(work, 'pool');
let app: FastifyInstance;
let base: string;
let auth: Record<string, string>;
let image: TinyGuestImage;

const virsh = (...args: string[]) => execFileSync('virsh', ['-c', 'qemu:///system', '-q', ...args], { encoding: 'utf8' });
const volumeNames = () => virsh('vol-list', '--pool', pool).split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
  image = await ensureTinyGuest();
  app = await buildApp({ config: testConfig({ libvirtUri: 'qemu:///system', dataDir }), db: openDatabase(dataDir), logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1`;
  await app.hosts.get('local').waitConnected(10_000);
  auth = await tokenFor(app, 'storage-int-admin', 'Administrator');
});
afterAll(async () => {
  // Whatever a failed test left: the pool's volumes, then the pool (independently of the API).
  if (spawnSync('virsh', ['-c', 'qemu:///system', 'pool-info', pool], { stdio: 'ignore' }).status === 0) {
    for (const v of volumeNames()) spawnSync('virsh', ['-c', 'qemu:///system', 'vol-delete', '--pool', pool, v], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', 'qemu:///system', 'pool-destroy', pool], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', 'qemu:///system', 'pool-undefine', pool], { stdio: 'ignore' });
  }
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

// JSON calls go through inject (the same app); only uploads need the real socket.
const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, json: res.statusCode === 204 ? null : res.json() };
};
const waitTask = async (taskId: string) => {
  for (;;) {
    const { json } = await api('GET', `/tasks/${taskId}?wait=30`);
    if (!['queued', 'running'].includes(json.state)) return json;
  }
};

/** Streams a file as the body of an upload over a real socket. */
function uploadFile(file: string, name: string, format: string): Promise<{ status: number; json: ReturnType<typeof JSON.parse> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/storage/pools/${pool}/volumes/upload?hostId=local&name=${name}&format=${format}`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += String(d); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

describe('storage on qemu:///system', () => {
  it('refuses a pool whose directory cannot be made (its parent is a file) with 400 saying why, and defines nothing', async () => {
    writeFileSync(path.join(work, 'a-file'), 'not a directory');
    const res = await api('POST', '/storage/pools?hostId=local', { name: pool, type: 'dir', path: path.join(work, 'a-file', 'pool') });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
    expect(res.json.error.message).toMatch(/could not be made: .*Not a directory/);
    expect(virsh('pool-list', '--all', '--name')).not.toContain(pool);
  });

  it('creates a dir pool (and its directory) that virsh sees running', async () => {
    const res = await api('POST', '/storage/pools?hostId=local', { name: pool, type: 'dir', path: poolDir });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: pool, path: poolDir, active: true, autostart: true });
    expect(statSync(poolDir).isDirectory()).toBe(true);
    expect(virsh('pool-info', pool)).toMatch(/State:\s+running/);
    expect(virsh('pool-dumpxml', pool)).toContain(`<path>${poolDir}</path>`);
  });

  it('uploads the tiny guest qcow2 over HTTP; the volume is that image, byte for byte', async () => {
    const res = await uploadFile(image.qcow2, 'tiny.qcow2', 'qcow2');
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const task = await waitTask(res.json.taskId);
    expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
    const file = path.join(poolDir, 'tiny.qcow2');
    expect(task.result).toEqual({ pool, volume: 'tiny.qcow2', path: file, format: 'qcow2', capacityBytes: 64 * 2 ** 20 });
    expect(virsh('vol-info', '--pool', pool, 'tiny.qcow2', '--bytes')).toMatch(/Capacity:\s+67108864 bytes/);
    expect(virsh('vol-dumpxml', '--pool', pool, 'tiny.qcow2')).toContain("<format type='qcow2'/>");
    expect(virsh('vol-dumpxml', '--pool', pool, 'tiny.qcow2')).not.toContain('<backingStore>');
    expect(sha256(file)).toBe(sha256(image.qcow2));
    const log = (await api('GET', `/tasks/${res.json.taskId}/log`)).json.items.map((l: { message: string }) => l.message);
    expect(log).toContainEqual(expect.stringMatching(/^qemu-img: qcow2, virtual size 67108864/));
  });

  it('uploads an ISO; libvirt reads it as iso', async () => {
    const res = await uploadFile(image.iso, 'tiny.iso', 'iso');
    expect(res.status).toBe(202);
    expect((await waitTask(res.json.taskId)).result).toMatchObject({ format: 'iso', capacityBytes: statSync(image.iso).size });
    expect(virsh('vol-dumpxml', '--pool', pool, 'tiny.iso')).toContain("<format type='iso'/>");
    expect(sha256(path.join(poolDir, 'tiny.iso'))).toBe(sha256(image.iso));
  });

  it('refuses a qcow2 with a backing file: the task fails and no volume is left', async () => {
    const overlay = path.join(work, 'overlay.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image.qcow2, '-F', 'qcow2', overlay]);
    const res = await uploadFile(overlay, 'overlay.qcow2', 'qcow2');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/backing file/);
    expect((await waitTask(res.json.error.details.taskId)).state).toBe('failed');
    expect(volumeNames()).not.toContain('overlay.qcow2');
  });

  it("also refuses one that got past the header check, by libvirt's probe and qemu-img", async () => {
    // Put an overlay in place behind Ferry's back (virsh), as if the first check had missed it.
    const overlay = path.join(work, 'overlay2.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image.qcow2, '-F', 'qcow2', overlay]);
    virsh('vol-create-as', pool, 'sneaky.raw', String(statSync(overlay).size), '--format', 'raw');
    virsh('vol-upload', '--pool', pool, 'sneaky.raw', overlay);
    const conn = app.hosts.get('local').requireConnection();
    const check = (declared: 'raw' | 'qcow2') => checkUploadedVolume({
      conn, uri: 'qemu:///system', pool, name: 'sneaky.raw', declared, bytes: statSync(overlay).size, availableBefore: 2 ** 40, log: () => undefined,
    });
    await expect(check('raw')).rejects.toThrow(/libvirt reads the image as qcow2/);
    await expect(check('qcow2')).rejects.toThrow(/backing file/);
    virsh('vol-delete', '--pool', pool, 'sneaky.raw');
  });

  it('removes the partial volume when the client goes away mid-upload', async () => {
    const total = statSync(image.raw).size;
    const req = request(`${base}/storage/pools/${pool}/volumes/upload?hostId=local&name=aborted.raw&format=raw`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(total) },
    });
    req.on('error', () => undefined); // we are the ones cutting it
    const bytes = readFileSync(image.raw);
    await new Promise<void>((resolve) => req.write(bytes.subarray(0, 8 * 2 ** 20), () => resolve()));
    let taskId: string | undefined;
    for (let i = 0; i < 100 && !taskId; i++) {
      await new Promise((r) => setTimeout(r, 50));
      taskId = (await api('GET', '/tasks?type=volume.upload&state=running')).json.items[0]?.id;
    }
    expect(taskId).toBeDefined();
    expect(volumeNames()).toContain('aborted.raw'); // the placeholder exists while bytes flow
    req.destroy();
    const task = await waitTask(taskId!);
    expect(task).toMatchObject({ state: 'failed', error: { code: 'BAD_REQUEST', message: expect.stringMatching(/closed the connection/) } });
    expect(volumeNames()).not.toContain('aborted.raw');
  });

  it('grows a volume; virsh sees the new size', async () => {
    const res = await api('POST', `/storage/pools/${pool}/volumes/tiny.qcow2/resize?hostId=local`, { capacityBytes: 128 * 2 ** 20 });
    expect(res.status).toBe(200);
    expect(res.json.capacityBytes).toBe(128 * 2 ** 20);
    expect(virsh('vol-info', '--pool', pool, 'tiny.qcow2', '--bytes')).toMatch(/Capacity:\s+134217728 bytes/);
    expect((await api('POST', `/storage/pools/${pool}/volumes/tiny.qcow2/resize`, { capacityBytes: 2 ** 20 })).json.error.code).toBe('SHRINK_REFUSED');
  });

  it('refuses to remove the pool while it holds volumes; removes it once they are deleted', async () => {
    expect((await api('DELETE', `/storage/pools/${pool}`)).json.error.code).toBe('NOT_EMPTY');
    for (const v of ['tiny.qcow2', 'tiny.iso']) expect((await api('DELETE', `/storage/pools/${pool}/volumes/${v}`)).status).toBe(204);
    expect(volumeNames()).toEqual([]);
    expect((await api('DELETE', `/storage/pools/${pool}`)).status).toBe(204);
    expect(spawnSync('virsh', ['-c', 'qemu:///system', 'pool-info', pool], { stdio: 'ignore' }).status).not.toBe(0);
    expect(statSync(poolDir).isDirectory()).toBe(true); // removing a pool never deletes files
  });
});
