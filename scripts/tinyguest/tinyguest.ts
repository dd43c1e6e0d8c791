// Test helper: get the tinyguest image (built by build.sh, cached under .cache/tinyguest).
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD_SH = path.join(HERE, 'build.sh');
const REPO = path.resolve(HERE, '..', '..');

/** Absolute paths of the artifacts, plus the two strings tests need to boot them. */
export interface TinyGuestImage {
  /** compressed qcow2, 64 MiB virtual: MBR, p1 FAT16 boot (syslinux + shim/grub), p2 ext4 tg-data */
  qcow2: string;
  /** the same disk as raw */
  raw: string;
  /** kernel and initramfs for direct kernel boot (-kernel/-initrd) */
  vmlinuz: string;
  initrd: string;
  /** BIOS-bootable ISO (runs from RAM; no /data) */
  iso: string;
  /** kernel command line (the text, for -append), not a path */
  cmdline: string;
  /** guest kernel version, e.g. 6.1.0-56-cloud-amd64 */
  kernel: string;
}

/** What the guest prints on every console (serial ttyS0 and VGA). */
export const MARKERS = {
  /** rcS finished; group 1 = uptime in s, group 2 = /data/bootcount (0 = no tg-data disk) */
  ready: /tinyguest: ready in ([\d.]+)s.*bootcount: (\d+)/,
  login: 'login: ',
  powerButton: 'tinyguest: ACPI power button pressed',
  powerOff: 'tinyguest: power off',
} as const;

const LOCK_WAIT_S = 900; // another process may be doing a cold build (download included)
let inflight: Promise<TinyGuestImage> | undefined;

/**
 * Build the image if needed and return it. Cheap when cached (build.sh checks its stamp), so it is
 * run on every call. Callers in one process share a running build; processes serialise on a lock
 * file in the cache.
 */
export function ensureTinyGuest(): Promise<TinyGuestImage> {
  inflight ??= build().finally(() => {
    inflight = undefined;
  });
  return inflight;
}

async function build(): Promise<TinyGuestImage> {
  const cache = path.join(process.env.FERRY_CACHE_DIR ?? path.join(REPO, '.cache'), 'tinyguest');
  await mkdir(cache, { recursive: true });
  const lock = path.join(cache, 'build.lock');
  // build.sh would take the same lock itself; TINYGUEST_LOCKED stops it from waiting on us.
  const { code, stdout, stderr } = await run(
    'flock',
    ['-w', String(LOCK_WAIT_S), '-E', '75', lock, 'bash', BUILD_SH],
    { ...process.env, TINYGUEST_LOCKED: '1' },
  );
  if (code === 75) throw new Error(`tinyguest: waited ${LOCK_WAIT_S}s for ${lock}`);
  if (code !== 0) throw new Error(`tinyguest: build.sh exited with ${code}\n${stderr.slice(-4000)}`);

  const manifestPath = /^manifest=(.+)$/m.exec(stdout)?.[1];
  if (!manifestPath) throw new Error(`tinyguest: build.sh printed no manifest path:\n${stdout}`);
  const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  const field = (k: keyof TinyGuestImage): string => {
    const v = m[k];
    if (typeof v !== 'string' || v === '') throw new Error(`tinyguest: ${manifestPath} lacks "${k}"`);
    return v;
  };
  return {
    qcow2: field('qcow2'),
    raw: field('raw'),
    vmlinuz: field('vmlinuz'),
    initrd: field('initrd'),
    iso: field('iso'),
    cmdline: field('cmdline'),
    kernel: field('kernel'),
  };
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
