// Vitest globalSetup for the suites that use this host's shared libvirtd (integration, e2e,
// lab): one such run at a time per machine. Their clean-ups sweep the daemon's domains by name
// prefix and some restart or freeze libvirtd, so two runs side by side (two developers' shells,
// a CI run next to a manual one) would break each other's guests. The lock is a file holding the
// owner's pid; a lock whose owner has died is taken over.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = '/tmp/ferry-system-daemon-tests.lock';
// A file created but not yet written reads empty for a moment; only that long is it trusted.
const EMPTY_GRACE_MS = 10_000;

// Several projects of one Vitest process may each run this setup: they share the lock.
const holders = globalThis as { ferrySystemLockHolds?: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function owner(): { pid: number; ageMs: number } | null {
  try {
    const text = fs.readFileSync(LOCK, 'utf8').trim();
    return { pid: Number(text) || 0, ageMs: Date.now() - fs.statSync(LOCK).mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function acquire(): Promise<void> {
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = owner();
    if (held === null) continue;
    if (held.pid === process.pid) return;
    const stale = held.pid === 0 ? held.ageMs > EMPTY_GRACE_MS : !alive(held.pid);
    if (stale) {
      fs.rmSync(LOCK, { force: true });
      continue;
    }
    if (!told) process.stdout.write(`waiting for another test run (pid ${held.pid}) that uses this host's libvirtd\n`);
    told = true;
    await sleep(2_000);
  }
}

export default async function setup(): Promise<() => void> {
  if (!holders.ferrySystemLockHolds) await acquire();
  holders.ferrySystemLockHolds = (holders.ferrySystemLockHolds ?? 0) + 1;
  return () => {
    holders.ferrySystemLockHolds = (holders.ferrySystemLockHolds ?? 1) - 1;
    if (holders.ferrySystemLockHolds === 0 && owner()?.pid === process.pid) fs.rmSync(LOCK, { force: true });
  };
}
