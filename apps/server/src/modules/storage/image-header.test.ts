import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEAD_BYTES, judgeImageHead } from './image-header.ts';
import { qcow2Header } from './test-images.ts';

describe('judgeImageHead: hand-built qcow2 headers', () => {
  it('accepts standalone v2 and v3 images and reads their virtual size', () => {
    expect(judgeImageHead(qcow2Header({ version: 2, virtualSize: 12345 }), 'qcow2')).toEqual({ ok: true, virtualSize: 12345 });
    expect(judgeImageHead(qcow2Header({ version: 3, virtualSize: 2 ** 40 }), 'qcow2')).toEqual({ ok: true, virtualSize: 2 ** 40 });
    // A backing *format* extension without a backing file is harmless.
    expect(judgeImageHead(qcow2Header({ extensions: [[0xe2792aca, Buffer.from('qcow2')]] }), 'qcow2').ok).toBe(true);
  });

  it('refuses a backing file, an external data file (bit or extension), other versions and non-qcow2 bytes', () => {
    const reason = (b: Buffer) => { const v = judgeImageHead(b, 'qcow2'); return v.ok ? null : v.reason; };
    expect(reason(qcow2Header({ backingFile: '/etc/shadow' }))).toMatch(/backing file/);
    expect(reason(qcow2Header({ version: 2, backingFile: 'base.qcow2' }))).toMatch(/backing file/);
    expect(reason(qcow2Header({ dataFileBit: true }))).toMatch(/external file/);
    expect(reason(qcow2Header({ extensions: [[0x44415441, Buffer.from('/dev/sda')]] }))).toMatch(/external data file/);
    const v1 = qcow2Header({}); v1.writeUInt32BE(1, 4);
    expect(reason(v1)).toMatch(/version 1/);
    expect(reason(Buffer.alloc(512))).toMatch(/not a qcow2 image/);
    expect(reason(qcow2Header({}).subarray(0, 50))).toMatch(/not a qcow2 image/);
    const endless = qcow2Header({ extensions: [[0x12345678, Buffer.alloc(HEAD_BYTES)]] });
    expect(reason(endless.subarray(0, HEAD_BYTES))).toMatch(/run past/);
  });

  it('refuses raw or iso uploads whose bytes are an image format that can point at other files', () => {
    for (const declared of ['raw', 'iso'] as const) {
      expect(judgeImageHead(qcow2Header({}), declared).ok).toBe(false);
      expect(judgeImageHead(Buffer.from('QED\0xxxxxxxx', 'latin1'), declared).ok).toBe(false);
      expect(judgeImageHead(Buffer.from('KDMV\x01\x00\x00\x00', 'latin1'), declared).ok).toBe(false);
      expect(judgeImageHead(Buffer.from('# Disk DescriptorFile\nRW 100 FLAT "/etc/shadow" 0\n', 'latin1'), declared).ok).toBe(false);
      expect(judgeImageHead(Buffer.alloc(4096), declared)).toEqual({ ok: true, virtualSize: null });
    }
  });
});

describe('judgeImageHead: images made by qemu-img', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-head-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const make = (name: string, args: string[], size?: string) => {
    const file = path.join(dir, name);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...args, file, ...(size ? [size] : [])], { stdio: 'pipe' });
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, head, 0, HEAD_BYTES, 0);
    closeSync(fd);
    return head.subarray(0, n);
  };

  it('accepts a plain image, refuses an overlay and an image with an external data file', () => {
    expect(judgeImageHead(make('base.qcow2', ['-o', 'compat=1.1'], '1G'), 'qcow2')).toEqual({ ok: true, virtualSize: 2 ** 30 });
    expect(judgeImageHead(make('v2.qcow2', ['-o', 'compat=0.10'], '64M'), 'qcow2')).toEqual({ ok: true, virtualSize: 64 * 2 ** 20 });
    const overlay = judgeImageHead(make('overlay.qcow2', ['-b', path.join(dir, 'base.qcow2'), '-F', 'qcow2']), 'qcow2');
    expect(overlay).toMatchObject({ ok: false, reason: expect.stringMatching(/backing file/) });
    const external = judgeImageHead(make('ext.qcow2', ['-o', `data_file=${path.join(dir, 'data.raw')}`], '1M'), 'qcow2');
    expect(external).toMatchObject({ ok: false, reason: expect.stringMatching(/external/) });
  });
});
