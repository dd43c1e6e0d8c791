// The test's own storage pools, networks and temporary directories: names start with a per-spec
// prefix, and clean-up sweeps the host's lists (and the temp directory) for it — not only what
// the test remembers — so a failed run leaves nothing behind either. A pool's directory is never
// deleted by libvirt; the temp directories holding them go here.
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { virsh } from './domains.ts';

const names = async (...args: string[]) => (await virsh(...args)).split('\n').map((s) => s.trim()).filter(Boolean);

export async function removePools(prefix: string): Promise<string[]> {
  const found = (await names('pool-list', '--all', '--name')).filter((n) => n.startsWith(prefix));
  for (const name of found) {
    await virsh('pool-destroy', name).catch(() => {});
    await virsh('pool-undefine', name).catch(() => {});
  }
  return found;
}

export async function removeNetworks(prefix: string): Promise<string[]> {
  const found = (await names('net-list', '--all', '--name')).filter((n) => n.startsWith(prefix));
  for (const name of found) {
    await virsh('net-destroy', name).catch(() => {});
    await virsh('net-undefine', name).catch(() => {});
  }
  return found;
}

/** Directories named <prefix>* in the system's temp directory. */
export function removeTempDirs(prefix: string): string[] {
  const found = readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix)).map((n) => path.join(os.tmpdir(), n));
  for (const dir of found) rmSync(dir, { recursive: true, force: true });
  return found;
}

/** Everything of the prefix's: pools, networks, temp directories. Names what it removed. */
export async function removeHostObjects(prefix: string): Promise<string[]> {
  return [...await removePools(prefix), ...await removeNetworks(prefix), ...removeTempDirs(prefix)];
}
