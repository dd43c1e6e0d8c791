// Readiness against real libvirt: qemu:///system on this machine (read-only: no fixes are applied
// to it here), and the fixes against libvirt's in-memory test:///default driver, where libvirt
// itself validates the pool and network XML we send.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type Connection } from '@ferry/libvirt';
import { buildReadinessReport, type ReadinessReport } from './readiness.checks.ts';
import { createNodeProbes, gatherReadinessFacts } from './readiness.facts.ts';
import { applySafeFixes } from './readiness.fix.ts';

const SYSTEM = 'qemu:///system';

let lv: Libvirt;
let system: Connection | null = null;
let unreachable = '';

beforeAll(async () => {
  lv = await Libvirt.start();
  try {
    system = await lv.open(SYSTEM, { readOnly: true });
  } catch (error) {
    unreachable = `libvirtd is unreachable at ${SYSTEM} (${(error as Error).message}); start it with 'virtlogd -d; libvirtd -d'`;
  }
}, 30_000);

afterAll(async () => {
  await system?.close();
  await lv?.close();
});

/** What this machine's kernel says, independently of the code under test. */
function hostTruth() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const hasVt = /^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo);
  const hwModule = existsSync('/sys/module/kvm_intel') || existsSync('/sys/module/kvm_amd');
  const pvm = existsSync('/sys/module/kvm_pvm');
  return { hasVt, hwModule, pvm, kvmPossible: hasVt && hwModule && existsSync('/dev/kvm') };
}

describe(`readiness on this machine (${SYSTEM})`, () => {
  let report: ReadinessReport;

  beforeAll(async () => {
    if (!system) return;
    const conn = system;
    report = buildReadinessReport(await gatherReadinessFacts(SYSTEM, async () => conn, createNodeProbes()));
  });

  const check = (id: string) => report.checks.find((c) => c.id === id)!;

  it('connects and reports libvirt and QEMU versions', (ctx) => {
    if (!system) {
      console.warn(`skipped: ${unreachable}`);
      return ctx.skip();
    }
    expect(check('libvirt.reachable').status).toBe('pass');
    expect(check('libvirt.version').message).toMatch(/^libvirt \d+\.\d+\.\d+\.$/);
    expect(check('qemu.version').message).toMatch(/^QEMU \d+\.\d+\.\d+ \(\/usr\/bin\/qemu-system-x86_64\)\.$/);
    expect(report.facts.scope).toBe('local');
    expect(report.facts.local).not.toBeNull();
  });

  it('judges acceleration from the real CPU and kernel modules, and says why', (ctx) => {
    if (!system) {
      console.warn(`skipped: ${unreachable}`);
      return ctx.skip();
    }
    const truth = hostTruth();
    const acceleration = check('acceleration');
    if (truth.kvmPossible) {
      expect(report.acceleration).toBe('kvm');
      return;
    }
    // This project's machines: kvm_pvm, no vmx/svm — so TCG, stated plainly with its cost.
    expect(report.acceleration).toBe('tcg');
    expect(acceleration.status).toBe('warn');
    expect(acceleration.message).toContain('TCG only');
    expect(acceleration.message).toContain('roughly 10–50× slower than KVM');
    if (!truth.hasVt) {
      expect(acceleration.message).toContain('the host CPU has no vmx/svm');
      expect(check('cpu.virtualization').status).toBe('warn');
    }
    if (truth.pvm && !truth.hwModule) {
      expect(acceleration.message).toContain('only kvm_pvm is loaded, which cannot boot stock guests');
      expect(check('kvm.module').message).toMatch(/^Only kvm_pvm is loaded/);
    }
  });

  it('has every check of a local host, each with a stable id and a message', (ctx) => {
    if (!system) {
      console.warn(`skipped: ${unreachable}`);
      return ctx.skip();
    }
    expect(report.checks.map((c) => c.id)).toEqual([
      'libvirt.reachable', 'libvirt.version', 'qemu.version', 'cpu.virtualization', 'kvm.device', 'kvm.module',
      'acceleration', 'packages.network-tools', 'storage.default-pool', 'network.default',
    ]);
    for (const c of report.checks) {
      expect(c.message.length).toBeGreaterThan(5);
      if (c.status === 'fail') expect(c.fix ?? c.message).toBeTruthy();
    }
  });
});

describe('readiness fixes against libvirt (test:///default, in memory)', () => {
  const TEST = 'test:///default';

  it('defines, builds, starts and autostarts the default pool and NAT network with XML libvirt accepts', async () => {
    const conn = await lv.open(TEST);
    try {
      // The test driver ships a network named 'default'; remove it so the fix must define one.
      const nets = await conn.listNetworks();
      if (nets.some((n) => n.name === 'default' && n.active)) await conn.stopNetwork('default');
      if (nets.some((n) => n.name === 'default')) await conn.undefineNetwork('default');

      const connect = async () => conn;
      const before = buildReadinessReport(await gatherReadinessFacts(TEST, connect, createNodeProbes()));
      expect(before.facts.local).toBeNull(); // not this machine's QEMU: no local probes
      expect(before.checks.find((c) => c.id === 'storage.default-pool')?.status).toBe('fail');
      expect(before.checks.find((c) => c.id === 'network.default')?.status).toBe('fail');

      const actions = await applySafeFixes(before.facts, {
        hypervisor: conn,
        run: async () => { throw new Error('no commands expected for a non-local URI'); },
        readFile: async () => { throw new Error('no local file expected for a non-local URI'); },
        homeDir: '/nonexistent',
      });
      expect(actions.filter((a) => !a.ok)).toEqual([]);
      expect(actions.map((a) => a.action)).toEqual([
        'pool-define-as default dir --target /var/lib/libvirt/images', 'pool-build default', 'pool-start default', 'pool-autostart default',
        "net-define (libvirt's standard NAT network XML)", 'net-start default', 'net-autostart default',
      ]);

      const after = buildReadinessReport(await gatherReadinessFacts(TEST, connect, createNodeProbes()));
      expect(after.checks.find((c) => c.id === 'storage.default-pool')).toMatchObject({ status: 'pass' });
      expect(after.checks.find((c) => c.id === 'network.default')).toMatchObject({ status: 'pass' });
      const poolXml = await conn.getStoragePoolXML('default');
      expect(poolXml).toContain('<path>/var/lib/libvirt/images</path>');
      const netXml = await conn.getNetworkXML('default');
      expect(netXml).toContain("<bridge name='virbr0'");
      expect(netXml).toContain("<ip address='192.168.122.1' netmask='255.255.255.0'>");
    } finally {
      await conn.close();
    }
  });
});
