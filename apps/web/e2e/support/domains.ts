// The test's own libvirt domains: every name starts with a per-run prefix, and clean-up sweeps
// the host's list for it (not only what the test remembers), also after a failure.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const URI = 'qemu:///system';

export const newVmName = () => `ferry-test-web-${randomBytes(4).toString('hex')}`;

export async function virsh(...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-c', URI, ...args], { timeout: 60_000 });
  return stdout;
}

export async function removeDomains(prefix = 'ferry-test-web-'): Promise<string[]> {
  const names = (await virsh('list', '--all', '--name')).split('\n').map((s) => s.trim()).filter((n) => n.startsWith(prefix));
  for (const name of names) {
    await virsh('destroy', name).catch(() => {});
    await virsh('undefine', '--nvram', '--managed-save', '--snapshots-metadata', name).catch(() => virsh('undefine', name).catch(() => {}));
  }
  return names;
}
