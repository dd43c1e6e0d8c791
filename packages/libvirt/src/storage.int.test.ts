// Volumes on the real daemon: upload an image through a libvirt stream, read it back, resize
// it — each result checked with qemu-img as an independent observer.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type Connection, isNotFound } from './index.ts';
import { TEST_PREFIX } from '../../../scripts/tinyguest/domain.ts';
import { ensureTinyGuest } from '../../../scripts/tinyguest/tinyguest.ts';

const pool = `${TEST_PREFIX}pool-${randomBytes(3).toString('hex')}`;
const dir = `/var/lib/libvirt/images/${pool}`;
let lv: Libvirt;
let conn: Connection;

beforeAll(async () => {
  lv = await Libvirt.start();
  conn = await lv.open('qemu:///system');
  mkdirSync(dir, { recursive: true });
  await conn.defineStoragePool(`<pool type='dir'><name>${pool}</name><target><path>${dir}</path></target></pool>`);
  await conn.startStoragePool(pool);
});
afterAll(async () => {
  for (const v of await conn.listVolumes(pool).catch(() => [])) await conn.deleteVolume(pool, v.name).catch(() => undefined);
  await conn.stopStoragePool(pool).catch(() => undefined);
  await conn.undefineStoragePool(pool).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await lv.close();
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const qemuImgInfo = (path: string) => JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-U', path], { encoding: 'utf8' })) as { format: string; 'virtual-size': number };

describe('volumes on qemu:///system', () => {
  it('uploads through a stream, downloads the same bytes, resizes', async () => {
    const image = readFileSync((await ensureTinyGuest()).qcow2);
    const vol = await conn.createVolume(pool, `<volume><name>up.qcow2</name><capacity>${image.length}</capacity><target><format type='qcow2'/></target></volume>`);

    const up = await conn.uploadVolume(pool, 'up.qcow2');
    const CHUNK = 1 << 20;
    for (let off = 0; off < image.length; off += CHUNK) await up.write(image.subarray(off, off + CHUNK));
    await up.finish();
    await conn.refreshStoragePool(pool);
    expect(qemuImgInfo(vol.path)).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * 2 ** 20 });
    expect(sha256(readFileSync(vol.path))).toBe(sha256(image));

    const down = await conn.downloadVolume(pool, 'up.qcow2');
    const chunks: Uint8Array[] = [];
    down.on('data', (c) => chunks.push(c));
    await new Promise<void>((resolve, reject) => { down.on('end', resolve); down.on('error', reject); });
    await down.finish();
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(image));

    await conn.resizeVolume(pool, 'up.qcow2', 128 * 2 ** 20);
    expect(qemuImgInfo(vol.path)['virtual-size']).toBe(128 * 2 ** 20);
    expect((await conn.getVolume(pool, 'up.qcow2')).capacity).toBe(128 * 2 ** 20);

    await conn.deleteVolume(pool, 'up.qcow2');
    await expect(conn.getVolume(pool, 'up.qcow2')).rejects.toSatisfy(isNotFound);
  });
});
