// What happens to the binding when libvirtd goes away or hangs: a restart closes the
// connection (close callback, pending calls rejected as disconnected, a new connection
// works); a frozen daemon makes calls time out while the main thread stays responsive.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type CloseReason, isDisconnected, isTimeout } from './index.ts';
import { daemonAnswers, killLibvirtd, libvirtdPid, startLibvirtd, stopLibvirtd, waitUntil } from '../../../scripts/testing/libvirtd.ts';

let lv: Libvirt;
beforeAll(async () => {
  if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
  lv = await Libvirt.start({ size: 2 });
});
afterAll(async () => {
  try { process.kill(libvirtdPid(), 'SIGCONT'); } catch { /* not running: started below */ }
  if (!daemonAnswers()) await startLibvirtd();
  await lv.close();
});

describe('libvirtd going away', () => {
  it('crash: fires the close callback, rejects pending calls as disconnected, and reconnects', async () => {
    const conn = await lv.open('qemu:///system');
    expect(await conn.getHypervisorVersion()).toMatch(/^\d+\./);
    const reasons: CloseReason[] = [];
    conn.onClose((r) => reasons.push(r));

    // Freeze the daemon so these calls are certainly in flight when it dies.
    const pid = libvirtdPid();
    process.kill(pid, 'SIGSTOP');
    const pending = [conn.getCapabilities(), conn.listDomains(), conn.getHostname()].map((p) => p.then(() => 'ok', (e: unknown) => e));
    await new Promise((r) => setTimeout(r, 300));
    await killLibvirtd(pid);

    await waitUntil(() => reasons.length > 0, 10_000, 'the close callback');
    expect(['eof', 'error', 'keepalive']).toContain(reasons[0]);
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => isDisconnected(o))).toBe(true);
    expect(conn.isOpen).toBe(false);
    await expect(conn.listDomains()).rejects.toSatisfy(isDisconnected); // fails fast now

    await startLibvirtd();
    const again = await lv.open('qemu:///system');
    expect(Array.isArray(await again.listDomains())).toBe(true);
    await again.close();
    await conn.close();
  });

  it('restart: a clean SIGTERM closes the connection and a new one works', async () => {
    const conn = await lv.open('qemu:///system');
    const reasons: CloseReason[] = [];
    conn.onClose((r) => reasons.push(r));
    await stopLibvirtd();
    await waitUntil(() => reasons.length > 0, 10_000, 'the close callback');
    await expect(conn.getHostname()).rejects.toSatisfy(isDisconnected);
    await startLibvirtd();
    const again = await lv.open('qemu:///system');
    expect(await again.getHostname()).toBeTruthy();
    await again.close();
    await conn.close();
  });
});

describe('frozen libvirtd', () => {
  it('times calls out without blocking the main thread, then recovers', async () => {
    const conn = await lv.open('qemu:///system');
    const pid = libvirtdPid();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    process.kill(pid, 'SIGSTOP');
    try {
      delay.enable();
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 6 }, () =>
        lv.pool.call('connectGetHostname', [conn.ptr], { timeoutMs: 1500 }).then(() => 'ok', (e: unknown) => e)));
      const elapsed = Date.now() - started;
      delay.disable();
      expect(results.every((r) => isTimeout(r))).toBe(true);
      expect(elapsed).toBeLessThan(3000);
      const p99 = delay.percentile(99) / 1e6;
      console.log(`event-loop delay while libvirtd was frozen: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
      expect(p99).toBeLessThan(50);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The stuck Workers were replaced; once the daemon runs again, calls succeed.
    expect(await conn.getHostname()).toBeTruthy();
    await conn.close();
  });
});
