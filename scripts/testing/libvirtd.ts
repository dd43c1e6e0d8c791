// Controls this host's libvirtd for integration tests that restart or freeze it. The daemon
// is found through its pid file and checked by /proc/<pid>/comm — never by name — and is
// started again the way scripts/setup/prepare.sh starts it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const PID_FILE = '/run/libvirtd.pid';

export function libvirtdPid(): number {
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  if (!pid || !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'libvirtd') {
    throw new Error(`${PID_FILE} does not name a running libvirtd`);
  }
  return pid;
}

export function daemonAnswers(): boolean {
  return spawnSync('virsh', ['-c', 'qemu:///system', 'version'], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

export async function waitUntil(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops libvirtd with SIGTERM (guests keep running) and waits until it is gone. */
export async function stopLibvirtd(pid = libvirtdPid()): Promise<void> {
  process.kill(pid, 'SIGCONT'); // a frozen daemon cannot handle SIGTERM
  process.kill(pid, 'SIGTERM');
  await waitUntil(() => !existsSync(`/proc/${pid}`), 30_000, `libvirtd ${pid} to exit`);
}

/** Kills libvirtd outright (a crash; guests keep running) and waits until it is gone. */
export async function killLibvirtd(pid = libvirtdPid()): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !existsSync(`/proc/${pid}`), 30_000, `libvirtd ${pid} to die`);
}

export async function startLibvirtd(): Promise<void> {
  execFileSync('libvirtd', ['-d']);
  await waitUntil(daemonAnswers, 30_000, 'libvirtd to answer');
}
