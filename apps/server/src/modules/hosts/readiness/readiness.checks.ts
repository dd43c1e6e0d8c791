// Host readiness, step 2 of 3: judge the facts. Pure: facts in, report out, no I/O.
//
// Every check has a stable id (the UI and scripts key on it) and, when something can be done
// about it from a shell, the exact command in `fix`. A missing fix means no command helps
// (firmware settings, an outer hypervisor, another machine); the message says what would.
//
// Acceleration is decided here, not read from libvirt: libvirt lists a `kvm` domain type
// whenever /dev/kvm opens, and on nested hosts that device can be kvm_pvm, which cannot boot
// stock guests. So 'kvm' needs vmx/svm in the host CPU AND the kvm domain type AND (locally)
// /dev/kvm from kvm_intel/kvm_amd.
import {
  DEFAULT_NETWORK_NAME,
  DEFAULT_NETWORK_XML_FILE,
  DEFAULT_POOL_NAME,
  GUEST_ARCH,
  HYPERVISOR_PACKAGES,
  NETWORK_TOOL_PACKAGES,
  DEFAULT_NETWORK_XML,
  defaultPoolPath,
  type CapabilitiesFacts,
  type LibvirtFacts,
  type LocalFacts,
  type ObjectSummary,
  type ReadinessFacts,
} from './readiness.facts.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export type Acceleration = 'kvm' | 'tcg' | 'none';

export type CheckId =
  | 'libvirt.reachable'
  | 'libvirt.version'
  | 'qemu.version'
  | 'cpu.virtualization'
  | 'kvm.device'
  | 'kvm.module'
  | 'acceleration'
  | 'packages.network-tools'
  | 'storage.default-pool'
  | 'network.default';

export interface ReadinessCheck {
  id: CheckId;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** The API shape of GET /hosts/:hostId/readiness, plus the raw facts. */
export interface ReadinessReport {
  acceleration: Acceleration;
  checks: ReadinessCheck[];
  facts: ReadinessFacts;
}

/** Versions below these work poorly with what Ferry asks of libvirt (Ubuntu 22.04's level). */
export const MIN_LIBVIRT_VERSION = '8.0.0';
export const MIN_QEMU_VERSION = '6.2.0';

export const TCG_COST = 'roughly 10–50× slower than KVM';

export function buildReadinessReport(facts: ReadinessFacts): ReadinessReport {
  const checks: ReadinessCheck[] = [];
  const lv = facts.libvirt.reachable ? facts.libvirt : null;
  const caps = lv?.capabilities.ok ? lv.capabilities.value : null;
  const sh = new Shell(facts);

  checks.push(checkReachable(facts, sh));
  if (lv) {
    checks.push(checkLibvirtVersion(lv), checkQemuVersion(lv));
    checks.push(checkCpu(lv));
  }
  if (facts.local) {
    checks.push(checkKvmDevice(facts, facts.local, caps, sh), checkKvmModule(facts.local, caps, sh));
  }
  const verdict = decideAcceleration(facts);
  checks.push(verdict.check);
  if (facts.local) checks.push(checkNetworkTools(facts.local, sh));
  if (lv) checks.push(checkDefaultPool(facts, lv, sh), checkDefaultNetwork(facts, lv, sh));
  return { acceleration: verdict.acceleration, checks, facts };
}

// ---- libvirt ----------------------------------------------------------------------------------

// The daemon's socket is missing or nobody listens on it: libvirtd (or virtqemud) is not running.
const DAEMON_DOWN = /Failed to connect socket to '[^']*(libvirt|virtqemud)-sock[^']*': (No such file or directory|Connection refused)/;
// libvirtd asked polkit (over D-Bus) whether a non-root user may connect, and could not ask.
const NO_POLKIT = /system bus|polkit/i;

function checkReachable(facts: ReadinessFacts, sh: Shell): ReadinessCheck {
  const id = 'libvirt.reachable';
  if (facts.libvirt.reachable) {
    const on = facts.libvirt.hostname ? ` (host ${facts.libvirt.hostname})` : '';
    return { id, status: 'pass', message: `Connected to ${facts.uri}${on}.` };
  }
  const why = `Cannot connect to ${facts.uri}: ${facts.libvirt.error}`;
  if (!facts.local) {
    return {
      id,
      status: 'fail',
      message: `${why}. This is a remote URI: check that libvirtd runs on that host and that this machine can reach it (for qemu+ssh, key-based SSH login as a user allowed to manage libvirt).`,
    };
  }
  const missing = (facts.local.missingPackages ?? []).filter((p) => (HYPERVISOR_PACKAGES as readonly string[]).includes(p));
  const start = facts.local.systemd ? sh.root('systemctl start libvirtd') : `${sh.root('virtlogd -d')}; ${sh.root('libvirtd -d')}`;
  if (missing.length > 0) {
    return {
      id,
      status: 'fail',
      message: `${why}. ${listWords(missing)} ${missing.length > 1 ? 'are' : 'is'} not installed.`,
      fix: `${sh.aptInstall(missing)} && ${facts.local.systemd ? start : `{ ${start}; }`}`,
    };
  }
  if (DAEMON_DOWN.test(facts.libvirt.error)) {
    return { id, status: 'fail', message: `${why}. libvirtd is not running.`, fix: start };
  }
  if (!facts.local.isRoot && NO_POLKIT.test(facts.libvirt.error)) {
    return {
      id,
      status: 'fail',
      message: `${why}. libvirtd asks polkit whether a non-root user may connect, and polkit is unreachable here (no D-Bus system bus), so only root can connect: run as root.`,
    };
  }
  if (!facts.local.isRoot) {
    // Debian's polkit rule lets the 'libvirt' group manage qemu:///system.
    return {
      id,
      status: 'fail',
      message: `${why}. libvirtd runs but does not let this user manage ${facts.uri}; run as root, or add the user to the 'libvirt' group (then log in again).`,
      fix: 'sudo usermod -aG libvirt "$USER"',
    };
  }
  return { id, status: 'fail', message: `${why}. libvirtd runs but refused the connection; its log says why.` };
}

function checkLibvirtVersion(lv: LibvirtFacts): ReadinessCheck {
  const id = 'libvirt.version';
  if (!lv.libVersion.ok) return { id, status: 'warn', message: `libvirt did not report its version: ${lv.libVersion.error}` };
  const v = lv.libVersion.value;
  if (compareVersions(v, MIN_LIBVIRT_VERSION) < 0) {
    return { id, status: 'warn', message: `libvirt ${v} is older than ${MIN_LIBVIRT_VERSION}, the oldest Ferry is tested with; some features may fail.` };
  }
  return { id, status: 'pass', message: `libvirt ${v}.` };
}

function checkQemuVersion(lv: LibvirtFacts): ReadinessCheck {
  const id = 'qemu.version';
  if (!lv.hypervisorVersion.ok) return { id, status: 'warn', message: `libvirt did not report the QEMU version: ${lv.hypervisorVersion.error}` };
  const v = lv.hypervisorVersion.value;
  const emulator = lv.capabilities.ok && lv.capabilities.value.emulator ? ` (${lv.capabilities.value.emulator})` : '';
  if (compareVersions(v, MIN_QEMU_VERSION) < 0) {
    return { id, status: 'warn', message: `QEMU ${v}${emulator} is older than ${MIN_QEMU_VERSION}, the oldest Ferry is tested with.` };
  }
  return { id, status: 'pass', message: `QEMU ${v}${emulator}.` };
}

// ---- CPU and KVM ------------------------------------------------------------------------------

const FLAG_NAMES = { vmx: 'vmx (Intel VT-x)', svm: 'svm (AMD-V)' } as const;

function describeCpu(caps: CapabilitiesFacts): string {
  const parts = [caps.cpuModel, caps.cpuVendor ? `(${caps.cpuVendor})` : null].filter(Boolean);
  return parts.length > 0 ? `Host CPU ${parts.join(' ')}` : 'The host CPU';
}

function checkCpu(lv: LibvirtFacts): ReadinessCheck {
  const id = 'cpu.virtualization';
  if (!lv.capabilities.ok) return { id, status: 'warn', message: `Cannot tell: ${lv.capabilities.error}` };
  const caps = lv.capabilities.value;
  if (caps.virtualizationFlags.length > 0) {
    return { id, status: 'pass', message: `${describeCpu(caps)} has ${caps.virtualizationFlags.map((f) => FLAG_NAMES[f]).join(' and ')}.` };
  }
  const where = caps.runsUnderHypervisor
    ? "The CPU reports the 'hypervisor' flag, so this host is itself a virtual machine without nested virtualization; enable nested virtualization on the outer hypervisor to get KVM here."
    : 'Enable Intel VT-x or AMD-V in the firmware (BIOS/UEFI) setup to get KVM.';
  return {
    id,
    status: 'warn',
    message: `${describeCpu(caps)} has neither vmx (Intel VT-x) nor svm (AMD-V) in libvirt's host capabilities, so KVM is impossible and guests can only use TCG. ${where}`,
  };
}

/** The kernel module that provides KVM for this CPU, when the CPU can do KVM at all. */
function moduleForCpu(caps: CapabilitiesFacts | null): 'kvm_intel' | 'kvm_amd' | null {
  if (caps?.virtualizationFlags.includes('vmx')) return 'kvm_intel';
  if (caps?.virtualizationFlags.includes('svm')) return 'kvm_amd';
  return null;
}

function checkKvmDevice(facts: ReadinessFacts, local: LocalFacts, caps: CapabilitiesFacts | null, sh: Shell): ReadinessCheck {
  const id = 'kvm.device';
  if (!local.kvmDevice.present) {
    const mod = moduleForCpu(caps);
    return mod
      ? { id, status: 'warn', message: `/dev/kvm does not exist: ${mod} is not loaded, so guests fall back to TCG.`, fix: sh.root(`modprobe ${mod}`) }
      : { id, status: 'warn', message: '/dev/kvm does not exist (no KVM kernel module is loaded); without vmx/svm loading one would not help.' };
  }
  if (local.kvmDevice.readWrite) return { id, status: 'pass', message: '/dev/kvm is present and this user can open it read-write.' };
  if (facts.mode === 'session') {
    return {
      id,
      status: 'warn',
      message: `/dev/kvm is present but this user cannot open it read-write, and ${facts.uri} runs guests as this user; add it to the 'kvm' group (then log in again).`,
      fix: 'sudo usermod -aG kvm "$USER"',
    };
  }
  return { id, status: 'pass', message: `/dev/kvm is present (this user cannot open it, but libvirtd opens it for ${facts.uri} guests).` };
}

function checkKvmModule(local: LocalFacts, caps: CapabilitiesFacts | null, sh: Shell): ReadinessCheck {
  const id = 'kvm.module';
  const hw = local.kvmModules.filter((m) => m !== 'kvm_pvm');
  if (hw.length > 0) return { id, status: 'pass', message: `${hw.join(' and ')} loaded.` };
  const mod = moduleForCpu(caps);
  const fix = mod ? { fix: sh.root(`modprobe ${mod}`) } : {};
  if (local.kvmModules.includes('kvm_pvm')) {
    return {
      id,
      status: 'warn',
      message: `Only kvm_pvm is loaded: a paravirtualized KVM for nested hosts that cannot boot stock guest kernels or firmware, so Ferry does not use it and runs guests under TCG.`,
      ...fix,
    };
  }
  return { id, status: 'warn', message: 'No KVM module (kvm_intel or kvm_amd) is loaded.', ...fix };
}

export function decideAcceleration(facts: ReadinessFacts): { acceleration: Acceleration; check: ReadinessCheck } {
  const id = 'acceleration';
  if (!facts.libvirt.reachable) {
    return { acceleration: 'none', check: { id, status: 'fail', message: 'None: libvirt is unreachable, so no guest can run (see libvirt.reachable).' } };
  }
  const lv = facts.libvirt;
  if (!lv.capabilities.ok) {
    return { acceleration: 'none', check: { id, status: 'fail', message: `None known: ${lv.capabilities.error}` } };
  }
  const caps = lv.capabilities.value;
  const types = caps.domainTypes;
  const local = facts.local;
  const remoteNote = local
    ? ''
    : ' (Remote host: judged only from what libvirt reports; /dev/kvm, kernel modules and Debian packages there were not inspected.)';

  // Each missing precondition for KVM, in plain words; `module` marks those that loading the
  // CPU's KVM module cures.
  const missing: Array<{ why: string; module: boolean }> = [];
  if (caps.virtualizationFlags.length === 0) missing.push({ why: 'the host CPU has no vmx/svm', module: false });
  if (local && !local.kvmDevice.present) missing.push({ why: '/dev/kvm does not exist', module: true });
  else if (local && facts.mode === 'session' && !local.kvmDevice.readWrite) {
    missing.push({ why: 'this user cannot open /dev/kvm', module: false });
  }
  if (local && !local.kvmModules.some((m) => m === 'kvm_intel' || m === 'kvm_amd')) {
    missing.push(local.kvmModules.includes('kvm_pvm')
      ? { why: 'only kvm_pvm is loaded, which cannot boot stock guests', module: true }
      : { why: 'neither kvm_intel nor kvm_amd is loaded', module: true });
  }
  // libvirt probes /dev/kvm when it builds capabilities, so loading the module cures this too.
  if (!types.includes('kvm')) missing.push({ why: `libvirt lists no 'kvm' domain type for ${GUEST_ARCH}`, module: local !== null });

  if (missing.length === 0) {
    return {
      acceleration: 'kvm',
      check: { id, status: 'pass', message: `KVM: guests run with hardware acceleration (domain type 'kvm').${remoteNote}` },
    };
  }
  if (types.includes('qemu')) {
    const mod = moduleForCpu(caps);
    const listedAnyway = types.includes('kvm')
      ? " libvirt lists a 'kvm' domain type anyway (it only checks that /dev/kvm opens); Ferry does not use it here."
      : '';
    // Loading the module is the whole fix only when the CPU can do KVM and nothing else is missing.
    const onlyModule = mod !== null && local !== null && missing.every((m) => m.module);
    return {
      acceleration: 'tcg',
      check: {
        id,
        status: 'warn',
        message: `TCG only: guests run under QEMU's software emulation (domain type 'qemu'), ${TCG_COST} — fine for small test guests, too slow for real workloads. Why not KVM: ${missing.map((m) => m.why).join('; ')}.${listedAnyway}${remoteNote}`,
        ...(onlyModule ? { fix: new Shell(facts).root(`modprobe ${mod}`) } : {}),
      },
    };
  }
  const fix = local ? { fix: new Shell(facts).aptInstall(['qemu-system-x86']) } : {};
  return {
    acceleration: 'none',
    check: {
      id,
      status: 'fail',
      message: `None: libvirt lists no ${GUEST_ARCH} hvm guest it can run${types.length ? ` (domain types: ${types.join(', ')})` : ''}; is qemu-system-x86 installed?${remoteNote}`,
      ...fix,
    },
  };
}

// ---- packages, pool, network -------------------------------------------------------------------

function missingNetworkTools(local: LocalFacts | null): string[] {
  return (local?.missingPackages ?? []).filter((p) => (NETWORK_TOOL_PACKAGES as readonly string[]).includes(p));
}

function checkNetworkTools(local: LocalFacts, sh: Shell): ReadinessCheck {
  const id = 'packages.network-tools';
  if (local.missingPackages === null) {
    return { id, status: 'warn', message: 'dpkg-query is not available, so whether dnsmasq and iptables are installed is unknown; libvirt\'s NAT network needs both.' };
  }
  const missing = missingNetworkTools(local);
  if (missing.length === 0) {
    return { id, status: 'pass', message: 'dnsmasq-base and iptables are installed (libvirt\'s NAT network needs both).' };
  }
  return {
    id,
    status: 'fail',
    message: `${listWords(missing)} ${missing.length > 1 ? 'are' : 'is'} not installed: libvirt's NAT network cannot start without dnsmasq (DHCP and DNS for guests) and iptables (NAT rules).${
      missing.includes('dnsmasq-base') ? ' dnsmasq-base is only recommended by libvirt-daemon-system, so apt-get --no-install-recommends leaves it out.' : ''}`,
    fix: sh.aptInstall(missing),
  };
}

function others(list: ObjectSummary[], name: string): string {
  const rest = list.filter((o) => o.name !== name).map((o) => `${o.name}${o.active ? '' : ' (inactive)'}`);
  return rest.length ? ` Other ${rest.length > 1 ? 'ones' : 'one'} defined: ${rest.join(', ')}.` : '';
}

function checkDefaultPool(facts: ReadinessFacts, lv: LibvirtFacts, sh: Shell): ReadinessCheck {
  const id = 'storage.default-pool';
  const name = DEFAULT_POOL_NAME;
  if (!lv.pools.ok) return { id, status: 'fail', message: `Cannot list storage pools: ${lv.pools.error}` };
  const pool = lv.pools.value.find((p) => p.name === name);
  if (!pool) {
    // pool-build on a fresh dir pool only creates the directory.
    const path = defaultPoolPath(facts);
    const target = path.startsWith('$') ? `"${path}"` : path;
    return {
      id,
      status: 'fail',
      message: `No storage pool named '${name}': new disks and uploads go there by default (Debian defines none).${others(lv.pools.value, name)}`,
      fix: [`pool-define-as ${name} dir --target ${target}`, `pool-build ${name}`, `pool-start ${name}`, `pool-autostart ${name}`]
        .map((c) => sh.virsh(c)).join(' && '),
    };
  }
  if (!pool.active) {
    // No pool-build here: for a pool someone else defined, build can be destructive (disk, logical).
    const steps = [`pool-start ${name}`, ...(pool.autostart ? [] : [`pool-autostart ${name}`])];
    return {
      id,
      status: 'fail',
      message: `Storage pool '${name}' is defined but not active: its volumes cannot be used.`,
      fix: steps.map((c) => sh.virsh(c)).join(' && '),
    };
  }
  if (!pool.autostart) {
    return {
      id,
      status: 'warn',
      message: `Storage pool '${name}' is active but does not start with libvirtd: after a reboot it will be inactive.`,
      fix: sh.virsh(`pool-autostart ${name}`),
    };
  }
  return { id, status: 'pass', message: `Storage pool '${name}' is active and starts with libvirtd.` };
}

function checkDefaultNetwork(facts: ReadinessFacts, lv: LibvirtFacts, sh: Shell): ReadinessCheck {
  const id = 'network.default';
  const name = DEFAULT_NETWORK_NAME;
  if (!lv.networks.ok) return { id, status: 'fail', message: `Cannot list networks: ${lv.networks.error}` };
  const net = lv.networks.value.find((n) => n.name === name);
  const tools = missingNetworkTools(facts.local);
  const needTools = tools.length > 0 ? ` It needs ${listWords(tools)}, which ${tools.length > 1 ? 'are' : 'is'} not installed.` : '';
  const install = tools.length > 0 ? [sh.aptInstall(tools)] : [];
  if (!net) {
    // virsh reads the file on this machine and sends its XML, so a local copy works for any URI.
    const define = facts.local?.defaultNetworkXmlFile
      ? sh.virsh(`net-define ${DEFAULT_NETWORK_XML_FILE}`)
      : `${sh.virsh('net-define /dev/stdin')} <<< "${DEFAULT_NETWORK_XML.replace(/\s*\n\s*/g, '')}"`;
    return {
      id,
      status: 'fail',
      message: `No network named '${name}': new VMs attach their NIC to it (libvirt's NAT network on virbr0, 192.168.122.0/24).${needTools}${others(lv.networks.value, name)}`,
      fix: [...install, define, sh.virsh(`net-start ${name}`), sh.virsh(`net-autostart ${name}`)].join(' && '),
    };
  }
  if (!net.active) {
    return {
      id,
      status: 'fail',
      message: `Network '${name}' is defined but inactive: VMs attached to it cannot start.${needTools}`,
      fix: [...install, sh.virsh(`net-start ${name}`), ...(net.autostart ? [] : [sh.virsh(`net-autostart ${name}`)])].join(' && '),
    };
  }
  if (!net.autostart) {
    return {
      id,
      status: 'warn',
      message: `Network '${name}' is active but does not start with libvirtd: after a reboot VMs attached to it cannot start.`,
      fix: sh.virsh(`net-autostart ${name}`),
    };
  }
  return { id, status: 'pass', message: `Network '${name}' is active and starts with libvirtd.` };
}

// ---- helpers -----------------------------------------------------------------------------------

/** Builds copy-pasteable commands: root-only commands get sudo when this user is not root. */
class Shell {
  private readonly sudo: string;
  private readonly uri: string;
  constructor(facts: ReadinessFacts) {
    this.sudo = facts.local && !facts.local.isRoot ? 'sudo ' : '';
    this.uri = shellQuote(facts.uri);
  }
  root(command: string): string {
    return `${this.sudo}${command}`;
  }
  virsh(args: string): string {
    return `virsh -c ${this.uri} ${args}`;
  }
  aptInstall(packages: readonly string[]): string {
    return `${this.root('apt-get update')} && ${this.root(`apt-get install -y --no-install-recommends ${packages.join(' ')}`)}`;
  }
}

/** Quote for POSIX shells only when needed, so common URIs stay readable. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Compare dotted numeric versions ('9.0.0' vs '8.0'); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Nothing fails (warnings allowed). */
export function isReady(report: Pick<ReadinessReport, 'checks'>): boolean {
  return report.checks.every((c) => c.status !== 'fail');
}
