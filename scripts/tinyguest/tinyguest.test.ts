import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ensureTinyGuest, MARKERS, type TinyGuestImage } from './tinyguest.ts';

const exec = promisify(execFile);

describe('tinyguest image', () => {
  let image: TinyGuestImage;

  // cold: apt-get download (~31 MB) + unpack + build; warm runs take milliseconds
  it('builds (or reuses) all artifacts', { timeout: 300_000 }, async () => {
    image = await ensureTinyGuest();
    for (const p of [image.qcow2, image.raw, image.vmlinuz, image.initrd, image.iso]) {
      expect((await stat(p)).size, p).toBeGreaterThan(0);
    }
    expect(image.kernel).toMatch(/^\d+\.\d+\.\d+-\d+-cloud-amd64$/);
    expect(image.cmdline).toContain('console=ttyS0');
    expect((await stat(image.raw)).size).toBe(64 * 1024 * 1024);
  });

  it('produces a valid compressed 64 MiB qcow2', async () => {
    const { stdout } = await exec('qemu-img', ['info', '--output=json', image.qcow2]);
    const info = JSON.parse(stdout) as { format: string; 'virtual-size': number; 'actual-size': number };
    expect(info.format).toBe('qcow2');
    expect(info['virtual-size']).toBe(64 * 1024 * 1024);
    expect(info['actual-size']).toBeLessThan(32 * 1024 * 1024); // compressed, not a raw copy
  });

  it('is a quick no-op when cached', async () => {
    const t0 = performance.now();
    const again = await ensureTinyGuest();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(again).toEqual(image);
  });

  it('shares one build between concurrent callers', async () => {
    const [a, b] = await Promise.all([ensureTinyGuest(), ensureTinyGuest()]);
    expect(a).toBe(b);
  });

  it('exports the markers tests wait for', () => {
    const m = MARKERS.ready.exec('tinyguest: ready in 1.93s (kernel x) disks: vda bootcount: 3');
    expect(m?.[1]).toBe('1.93');
    expect(m?.[2]).toBe('3');
  });
});
