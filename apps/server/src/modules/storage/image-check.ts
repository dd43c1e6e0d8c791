// The second look at an uploaded image, once it is on the host, by two observers that do not
// depend on Ferry's own header reading (image-header.ts):
// - libvirt: after a refresh, a directory pool's volume XML reports the format libvirt probed
//   and any backing store. A declared raw/iso image must read as raw or iso, a qcow2 as qcow2,
//   and none may have a backing store. Works for every host.
// - qemu-img, when the host is this machine: `qemu-img info --output=json -f qcow2 <path>`,
//   format always explicit (never probed), which opens the image without its backing chain.
//   A backing file, an external data file, a corrupt flag or a virtual size beyond the pool's
//   free space refuses it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseStorageVolume } from '@ferry/domain-xml';
import type { Connection } from '@ferry/libvirt';
import { AppError } from '../../lib/app-error.ts';
import type { DeclaredFormat } from './image-header.ts';
import { lv } from './host-target.ts';

export interface QemuImgInfo {
  format?: string;
  'virtual-size'?: number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'format-specific'?: { type?: string; data?: { 'data-file'?: string; corrupt?: boolean } };
}

export type QemuImgInfoFn = (path: string) => Promise<QemuImgInfo>;

const QEMU_IMG_TIMEOUT_MS = 60_000;

export const qemuImgInfo: QemuImgInfoFn = (path) => new Promise((resolve, reject) => {
  execFile('qemu-img', ['info', '--output=json', '-f', 'qcow2', path], { timeout: QEMU_IMG_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
    if (err) return reject(new AppError('BAD_REQUEST', `qemu-img cannot read the image as qcow2: ${String(stderr).trim().split('\n')[0] ?? err.message}`));
    try {
      resolve(JSON.parse(stdout) as QemuImgInfo);
    } catch {
      reject(new AppError('INTERNAL', 'qemu-img gave output that is not JSON'));
    }
  });
});

/** Whether a host's volumes are files on this machine: a libvirt URI without a remote host. */
export function isLocalUri(uri: string): boolean {
  return /^qemu(\+unix)?:\/\/\/(system|session)(\?|$)/.test(uri);
}

export interface CheckInput {
  conn: Connection;
  uri: string;
  pool: string;
  name: string;
  declared: DeclaredFormat;
  bytes: number;
  /** The pool's free space before the upload began. */
  availableBefore: number;
  log(message: string, level?: 'info' | 'warn'): void;
  qemuImg?: QemuImgInfoFn;
}

export interface CheckedVolume { path: string; capacityBytes: number }

export async function checkUploadedVolume(c: CheckInput): Promise<CheckedVolume> {
  await lv('refreshing the pool', () => c.conn.refreshStoragePool(c.pool));
  const vol = parseStorageVolume(await lv('reading the volume', () => c.conn.getVolumeXML(c.pool, c.name)));
  const seen = vol.format ?? 'unknown';
  const fits = c.declared === 'qcow2' ? seen === 'qcow2' : seen === 'raw' || seen === 'iso';
  if (!fits) throw new AppError('BAD_REQUEST', `declared ${c.declared}, but libvirt reads the image as ${seen}`);
  if (vol.backingStore) throw new AppError('BAD_REQUEST', 'the image has a backing file; upload a standalone image');
  const path = vol.path ?? '';
  const capacityBytes = vol.capacityBytes ?? 0;
  if (c.declared !== 'qcow2') {
    if (capacityBytes !== c.bytes) throw new AppError('BAD_REQUEST', `the volume holds ${capacityBytes} bytes; ${c.bytes} were sent`);
    return { path, capacityBytes };
  }
  if (capacityBytes > c.availableBefore) throw spaceError(c, capacityBytes);
  if (!isLocalUri(c.uri) || !existsSync(path)) {
    c.log(`qemu-img check skipped: the image is not on this machine (libvirt's probe and the header check passed)`, 'warn');
    return { path, capacityBytes };
  }
  const info = await (c.qemuImg ?? qemuImgInfo)(path);
  if (info.format !== 'qcow2') throw new AppError('BAD_REQUEST', `qemu-img reads the image as ${String(info.format)}`);
  if (info['backing-filename'] !== undefined || info['full-backing-filename'] !== undefined) {
    throw new AppError('BAD_REQUEST', 'the image has a backing file; upload a standalone image');
  }
  if (info['format-specific']?.data?.['data-file'] !== undefined) throw new AppError('BAD_REQUEST', 'the image names an external data file; upload a standalone image');
  if (info['format-specific']?.data?.corrupt === true) throw new AppError('BAD_REQUEST', 'qemu-img marks the image corrupt');
  const virtual = info['virtual-size'] ?? 0;
  if (virtual > c.availableBefore) throw spaceError(c, virtual);
  c.log(`qemu-img: qcow2, virtual size ${virtual} bytes, no backing or data file`);
  return { path, capacityBytes: virtual };
}

const spaceError = (c: CheckInput, virtual: number) => new AppError('INSUFFICIENT_SPACE',
  `the image's virtual size (${virtual} bytes) exceeds the pool's free space (${c.availableBefore} bytes)`, { neededBytes: virtual, availableBytes: c.availableBefore });
