import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReadinessReport, compareVersions, isReady, shellQuote, type ReadinessCheck, type ReadinessReport } from './readiness.checks.ts';
import {
  classifyUri,
  createNodeProbes,
  gatherReadinessFacts,
  type LocalProbes,
} from './readiness.facts.ts';
import {
  fakeHypervisor, fakeProbes, KVM_CAPS, summary, SYSTEM, untouchableProbes, type FakeHost, type FakeMachine,
} from '../../../test-support/readiness-fakes.ts';

async function report(opts: { uri?: string; host?: FakeHost; machine?: FakeMachine; unreachable?: string; probes?: LocalProbes } = {}) {
  const connect = opts.unreachable
    ? () => Promise.reject(new Error(opts.unreachable))
    : async () => fakeHypervisor(opts.host);
  const facts = await gatherReadinessFacts(opts.uri ?? SYSTEM, connect, opts.probes ?? fakeProbes(opts.machine));
  return buildReadinessReport(facts);
}

function check(r: ReadinessReport, id: string): ReadinessCheck {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${r.checks.map((x) => x.id).join(', ')}`);
  return c;
}

describe('readiness checks', () => {
  it('TCG-only host with kvm_pvm: acceleration tcg, says why and what it costs', async () => {
    const r = await report();
    expect(r.acceleration).toBe('tcg');
    expect(check(r, 'cpu.virtualization')).toEqual({
      id: 'cpu.virtualization',
      status: 'warn',
      message:
        "Host CPU Cascadelake-Server-noTSX (Intel) has neither vmx (Intel VT-x) nor svm (AMD-V) in libvirt's host capabilities, so KVM is impossible and guests can only use TCG. The CPU reports the 'hypervisor' flag, so this host is itself a virtual machine without nested virtualization; enable nested virtualization on the outer hypervisor to get KVM here.",
    });
    expect(check(r, 'kvm.device')).toEqual({ id: 'kvm.device', status: 'pass', message: '/dev/kvm is present and this user can open it read-write.' });
    expect(check(r, 'kvm.module')).toEqual({
      id: 'kvm.module',
      status: 'warn',
      message:
        'Only kvm_pvm is loaded: a paravirtualized KVM for nested hosts that cannot boot stock guest kernels or firmware, so Ferry does not use it and runs guests under TCG.',
    });
    expect(check(r, 'acceleration')).toEqual({
      id: 'acceleration',
      status: 'warn',
      message:
        "TCG only: guests run under QEMU's software emulation (domain type 'qemu'), roughly 10–50× slower than KVM — fine for small test guests, too slow for real workloads. Why not KVM: the host CPU has no vmx/svm; only kvm_pvm is loaded, which cannot boot stock guests. libvirt lists a 'kvm' domain type anyway (it only checks that /dev/kvm opens); Ferry does not use it here.",
    });
    expect(check(r, 'libvirt.reachable')).toEqual({ id: 'libvirt.reachable', status: 'pass', message: 'Connected to qemu:///system (host hv1).' });
    expect(check(r, 'libvirt.version').message).toBe('libvirt 9.0.0.');
    expect(check(r, 'qemu.version').message).toBe('QEMU 7.2.0 (/usr/bin/qemu-system-x86_64).');
    // Warnings only: TCG is slow, not broken.
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(isReady(r)).toBe(true);
  });

  it('real KVM host: vmx + kvm_intel + /dev/kvm + kvm domain type → kvm', async () => {
    const r = await report({ host: { caps: KVM_CAPS }, machine: { kvmModules: ['kvm_intel'] } });
    expect(r.acceleration).toBe('kvm');
    expect(check(r, 'cpu.virtualization')).toEqual({
      id: 'cpu.virtualization',
      status: 'pass',
      message: 'Host CPU Cascadelake-Server-noTSX (Intel) has vmx (Intel VT-x).',
    });
    expect(check(r, 'kvm.module')).toEqual({ id: 'kvm.module', status: 'pass', message: 'kvm_intel loaded.' });
    expect(check(r, 'acceleration')).toEqual({
      id: 'acceleration',
      status: 'pass',
      message: "KVM: guests run with hardware acceleration (domain type 'kvm').",
    });
    expect(r.checks.every((c) => c.status === 'pass')).toBe(true);
  });

  it('KVM-capable CPU whose module is not loaded: tcg, and the fix is modprobe', async () => {
    const r = await report({
      host: { caps: KVM_CAPS },
      machine: { kvmModules: [], kvmDevice: { present: false, readWrite: false } },
    });
    expect(r.acceleration).toBe('tcg');
    expect(check(r, 'kvm.device')).toEqual({
      id: 'kvm.device',
      status: 'warn',
      message: '/dev/kvm does not exist: kvm_intel is not loaded, so guests fall back to TCG.',
      fix: 'modprobe kvm_intel',
    });
    expect(check(r, 'kvm.module').fix).toBe('modprobe kvm_intel');
    expect(check(r, 'acceleration').fix).toBe('modprobe kvm_intel');
  });

  it('remote URI: no local probes, judged from libvirt alone, and says so', async () => {
    const uri = 'qemu+ssh://root@hv2.example/system';
    const r = await report({ uri, host: { caps: KVM_CAPS, pools: [] }, probes: untouchableProbes });
    expect(r.facts.scope).toBe('remote');
    expect(r.facts.local).toBeNull();
    expect(r.checks.map((c) => c.id)).toEqual([
      'libvirt.reachable', 'libvirt.version', 'qemu.version', 'cpu.virtualization', 'acceleration', 'storage.default-pool', 'network.default',
    ]);
    expect(r.acceleration).toBe('kvm');
    expect(check(r, 'acceleration').message).toBe(
      "KVM: guests run with hardware acceleration (domain type 'kvm'). (Remote host: judged only from what libvirt reports; /dev/kvm, kernel modules and Debian packages there were not inspected.)",
    );
    expect(check(r, 'storage.default-pool').fix).toBe(
      `virsh -c ${uri} pool-define-as default dir --target /var/lib/libvirt/images && virsh -c ${uri} pool-build default && virsh -c ${uri} pool-start default && virsh -c ${uri} pool-autostart default`,
    );
  });

  it('remote URI that is unreachable: no command to offer, only what to look at', async () => {
    const r = await report({ uri: 'qemu+tcp://10.0.0.9/system', unreachable: 'unable to connect to server: Connection refused', probes: untouchableProbes });
    expect(r.acceleration).toBe('none');
    expect(check(r, 'libvirt.reachable')).toEqual({
      id: 'libvirt.reachable',
      status: 'fail',
      message:
        'Cannot connect to qemu+tcp://10.0.0.9/system: unable to connect to server: Connection refused. This is a remote URI: check that libvirtd runs on that host and that this machine can reach it (for qemu+ssh, key-based SSH login as a user allowed to manage libvirt).',
    });
  });

  it('no default pool: fail with the exact define/build/start/autostart chain', async () => {
    const r = await report({ host: { pools: [summary('isos', true, true)] } });
    expect(check(r, 'storage.default-pool')).toEqual({
      id: 'storage.default-pool',
      status: 'fail',
      message: "No storage pool named 'default': new disks and uploads go there by default (Debian defines none). Other one defined: isos.",
      fix: 'virsh -c qemu:///system pool-define-as default dir --target /var/lib/libvirt/images && virsh -c qemu:///system pool-build default && virsh -c qemu:///system pool-start default && virsh -c qemu:///system pool-autostart default',
    });
    expect(isReady(r)).toBe(false);
  });

  it('default pool defined but inactive: start it (never build someone else\'s pool)', async () => {
    const r = await report({ host: { pools: [summary('default', false, false)] } });
    expect(check(r, 'storage.default-pool')).toEqual({
      id: 'storage.default-pool',
      status: 'fail',
      message: "Storage pool 'default' is defined but not active: its volumes cannot be used.",
      fix: 'virsh -c qemu:///system pool-start default && virsh -c qemu:///system pool-autostart default',
    });
  });

  it('network defined but inactive: fail, start and autostart it', async () => {
    const r = await report({ host: { networks: [summary('default', false, false)] } });
    expect(check(r, 'network.default')).toEqual({
      id: 'network.default',
      status: 'fail',
      message: "Network 'default' is defined but inactive: VMs attached to it cannot start.",
      fix: 'virsh -c qemu:///system net-start default && virsh -c qemu:///system net-autostart default',
    });
  });

  it('network active without autostart: warn', async () => {
    const r = await report({ host: { networks: [summary('default', true, false)] } });
    expect(check(r, 'network.default')).toMatchObject({ status: 'warn', fix: 'virsh -c qemu:///system net-autostart default' });
  });

  it('no default network: define it from Debian\'s file, or inline XML when that file is absent', async () => {
    let r = await report({ host: { networks: [] } });
    expect(check(r, 'network.default')).toEqual({
      id: 'network.default',
      status: 'fail',
      message: "No network named 'default': new VMs attach their NIC to it (libvirt's NAT network on virbr0, 192.168.122.0/24).",
      fix: 'virsh -c qemu:///system net-define /usr/share/libvirt/networks/default.xml && virsh -c qemu:///system net-start default && virsh -c qemu:///system net-autostart default',
    });
    r = await report({ host: { networks: [] }, machine: { networkXmlFile: false } });
    expect(check(r, 'network.default').fix).toBe(
      `virsh -c qemu:///system net-define /dev/stdin <<< "<network><name>default</name><bridge name='virbr0'/><forward/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>" && virsh -c qemu:///system net-start default && virsh -c qemu:///system net-autostart default`,
    );
  });

  it('missing dnsmasq-base: the package check fails and the network fix installs it first', async () => {
    const r = await report({ machine: { missingPackages: ['dnsmasq-base'] }, host: { networks: [summary('default', false, true)] } });
    expect(check(r, 'packages.network-tools')).toEqual({
      id: 'packages.network-tools',
      status: 'fail',
      message:
        "dnsmasq-base is not installed: libvirt's NAT network cannot start without dnsmasq (DHCP and DNS for guests) and iptables (NAT rules). dnsmasq-base is only recommended by libvirt-daemon-system, so apt-get --no-install-recommends leaves it out.",
      fix: 'apt-get update && apt-get install -y --no-install-recommends dnsmasq-base',
    });
    expect(check(r, 'network.default')).toEqual({
      id: 'network.default',
      status: 'fail',
      message: "Network 'default' is defined but inactive: VMs attached to it cannot start. It needs dnsmasq-base, which is not installed.",
      fix: 'apt-get update && apt-get install -y --no-install-recommends dnsmasq-base && virsh -c qemu:///system net-start default',
    });
  });

  it('not root: root-only commands get sudo', async () => {
    const r = await report({ machine: { missingPackages: ['dnsmasq-base', 'iptables'], root: false } });
    expect(check(r, 'packages.network-tools').fix).toBe('sudo apt-get update && sudo apt-get install -y --no-install-recommends dnsmasq-base iptables');
    expect(check(r, 'packages.network-tools').message).toMatch(/^dnsmasq-base and iptables are not installed:/);
  });

  it('libvirtd unreachable: fail with the start command; local checks still run', async () => {
    const error = "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory";
    const r = await report({ unreachable: error });
    expect(r.acceleration).toBe('none');
    expect(check(r, 'libvirt.reachable')).toEqual({
      id: 'libvirt.reachable',
      status: 'fail',
      message: `Cannot connect to qemu:///system: ${error}. libvirtd is not running.`,
      fix: 'virtlogd -d; libvirtd -d',
    });
    expect(check(r, 'acceleration')).toEqual({
      id: 'acceleration',
      status: 'fail',
      message: 'None: libvirt is unreachable, so no guest can run (see libvirt.reachable).',
    });
    expect(r.checks.map((c) => c.id)).toEqual(['libvirt.reachable', 'kvm.device', 'kvm.module', 'acceleration', 'packages.network-tools']);
  });

  it('libvirtd unreachable on a systemd host, or not installed at all', async () => {
    const err = "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused";
    let r = await report({ unreachable: err, machine: { systemd: true } });
    expect(check(r, 'libvirt.reachable').fix).toBe('systemctl start libvirtd');
    r = await report({ unreachable: err, machine: { missingPackages: ['libvirt-daemon-system', 'qemu-system-x86'] } });
    expect(check(r, 'libvirt.reachable')).toEqual({
      id: 'libvirt.reachable',
      status: 'fail',
      message: `Cannot connect to qemu:///system: ${err}. libvirt-daemon-system and qemu-system-x86 are not installed.`,
      fix: 'apt-get update && apt-get install -y --no-install-recommends libvirt-daemon-system qemu-system-x86 && { virtlogd -d; libvirtd -d; }',
    });
  });

  it('non-root user refused by libvirtd: join the libvirt group, or run as root where polkit is missing', async () => {
    let r = await report({ unreachable: "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied", machine: { root: false } });
    expect(check(r, 'libvirt.reachable')).toMatchObject({
      message: expect.stringContaining("libvirtd runs but does not let this user manage qemu:///system; run as root, or add the user to the 'libvirt' group"),
      fix: 'sudo usermod -aG libvirt "$USER"',
    });
    // Seen on this project's machines (no D-Bus): the error names the bus, not the socket.
    const noBus = 'internal error: Unable to get system bus connection: Could not connect: No such file or directory';
    r = await report({ unreachable: noBus, machine: { root: false } });
    expect(check(r, 'libvirt.reachable')).toEqual({
      id: 'libvirt.reachable',
      status: 'fail',
      message: `Cannot connect to qemu:///system: ${noBus}. libvirtd asks polkit whether a non-root user may connect, and polkit is unreachable here (no D-Bus system bus), so only root can connect: run as root.`,
    });
  });

  it('root refused by a running libvirtd: no guessed command, the error is shown', async () => {
    const r = await report({ unreachable: 'authentication failed: some reason' });
    expect(check(r, 'libvirt.reachable')).toEqual({
      id: 'libvirt.reachable',
      status: 'fail',
      message: 'Cannot connect to qemu:///system: authentication failed: some reason. libvirtd runs but refused the connection; its log says why.',
    });
  });

  it('unreadable capabilities XML is a fact, not a crash', async () => {
    const r = await report({ host: { caps: '<!DOCTYPE x [<!ENTITY a "b">]><capabilities/>' } });
    expect(r.acceleration).toBe('none');
    expect(check(r, 'acceleration').message).toMatch(/^None known: capabilities XML could not be read: .*DOCTYPE/);
    expect(check(r, 'cpu.virtualization').status).toBe('warn');
  });

  it('old libvirt and QEMU are warnings', async () => {
    const r = await report({ host: { libVersion: '6.0.0', qemuVersion: '4.2.1' } });
    expect(check(r, 'libvirt.version')).toMatchObject({ status: 'warn', message: expect.stringContaining('older than 8.0.0') });
    expect(check(r, 'qemu.version')).toMatchObject({ status: 'warn', message: expect.stringContaining('older than 6.2.0') });
  });

  it('keeps the API shape: acceleration, checks of {id,status,message,fix?}, and facts', async () => {
    const r = await report({ host: { pools: [] } });
    expect(Object.keys(r).sort()).toEqual(['acceleration', 'checks', 'facts']);
    for (const c of r.checks) {
      expect(['pass', 'warn', 'fail']).toContain(c.status);
      expect(Object.keys(c).every((k) => ['id', 'status', 'message', 'fix'].includes(k))).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('classifyUri', () => {
  it.each([
    ['qemu:///system', 'local', 'system'],
    ['qemu:///session', 'local', 'session'],
    ['qemu+unix:///system?socket=/run/libvirt/libvirt-sock', 'local', 'system'],
    ['qemu+ssh://root@hv2/system', 'remote', 'system'],
    ['qemu+tcp://10.0.0.9/system', 'remote', 'system'],
    ['qemu+ssh:///system', 'remote', 'system'],
    ['test:///default', 'remote', 'other'],
    ['not a uri', 'remote', 'other'],
  ])('%s → %s', (uri, scope, mode) => {
    expect(classifyUri(uri)).toEqual({ scope, mode });
  });

  it('quotes URIs for the shell only when needed', () => {
    expect(shellQuote('qemu:///system')).toBe('qemu:///system');
    expect(shellQuote('qemu+unix:///system?socket=/x y')).toBe("'qemu+unix:///system?socket=/x y'");
  });

  it('compares versions numerically', () => {
    expect(compareVersions('10.0.0', '9.9.9')).toBe(1);
    expect(compareVersions('8.0', '8.0.0')).toBe(0);
    expect(compareVersions('7.2.22', '7.10.0')).toBe(-1);
  });
});

describe('node probes', () => {
  it('read kvm modules and /dev/kvm from the given roots', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ferry-readiness-'));
    try {
      await mkdir(join(root, 'sys/module/kvm_pvm'), { recursive: true });
      await mkdir(join(root, 'sys/module/kvm'), { recursive: true });
      await mkdir(join(root, 'dev'));
      const probes = createNodeProbes({ devDir: join(root, 'dev'), sysDir: join(root, 'sys') });
      expect(await probes.kvmModules()).toEqual(['kvm_pvm']);
      expect(await probes.kvmDevice()).toEqual({ present: false, readWrite: false });
      await writeFile(join(root, 'dev/kvm'), '');
      expect((await probes.kvmDevice()).present).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

// ---- fixes ---------------------------------------------------------------------------------------

