// Host readiness, step 1 of 3: gather raw facts (then readiness.checks.ts judges them, and
// readiness.fix.ts repairs what is safe to repair).
//
// Facts come from two places. libvirt is asked through ReadinessHypervisor, a narrow slice of
// @ferry/libvirt's Connection, so tests pass a fake with canned XML. The local machine (/dev/kvm,
// /sys/module, dpkg) is read through LocalProbes, also injectable; for a remote URI the local
// machine says nothing about the host, so local probes are not run at all.
//
// Gathering never throws: every failure becomes a fact (`{ error }`) that a check can explain.
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import {
  domainTypesFor,
  findGuest,
  hostVirtualizationFlags,
  parseCapabilities,
} from '@ferry/domain-xml';

/** A pool or network as libvirt lists it. */
export interface ObjectSummary {
  name: string;
  uuid: string;
  active: boolean;
  autostart: boolean;
}

/** The libvirt calls readiness reads with; @ferry/libvirt's Connection satisfies it. */
export interface ReadinessHypervisor {
  getHostname(): Promise<string>;
  getLibVersion(): Promise<string>;
  getHypervisorVersion(): Promise<string>;
  getCapabilities(): Promise<string>;
  listStoragePools(): Promise<ObjectSummary[]>;
  listNetworks(): Promise<ObjectSummary[]>;
}

export type KvmModule = 'kvm_intel' | 'kvm_amd' | 'kvm_pvm';
export const KVM_MODULES: readonly KvmModule[] = ['kvm_intel', 'kvm_amd', 'kvm_pvm'];

/** Debian packages readiness knows how to check and install. */
export const NETWORK_TOOL_PACKAGES = ['dnsmasq-base', 'iptables'] as const;
export const HYPERVISOR_PACKAGES = ['libvirt-daemon-system', 'qemu-system-x86'] as const;
export const READINESS_PACKAGES = [...HYPERVISOR_PACKAGES, ...NETWORK_TOOL_PACKAGES];

/** Debian ships libvirt's standard NAT network here (package libvirt-daemon-config-network, a dependency of libvirt-daemon-system). */
export const DEFAULT_NETWORK_XML_FILE = '/usr/share/libvirt/networks/default.xml';
export const DEFAULT_POOL_NAME = 'default';
export const DEFAULT_NETWORK_NAME = 'default';
export const SYSTEM_POOL_PATH = '/var/lib/libvirt/images';
/** The guest arch Ferry runs. */
export const GUEST_ARCH = 'x86_64';

/** Where the default pool goes: libvirt's own default for the system daemon, the XDG one for a session. */
export function defaultPoolPath(facts: { mode: UriInfo['mode'] }): string {
  return facts.mode === 'session' ? '$HOME/.local/share/libvirt/images' : SYSTEM_POOL_PATH;
}

/** libvirt's standard NAT network, as in Debian's /usr/share/libvirt/networks/default.xml. */
export const DEFAULT_NETWORK_XML = `<network>
  <name>default</name>
  <bridge name='virbr0'/>
  <forward/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
`;

export interface KvmDeviceFact {
  present: boolean;
  /** This process can open it read-write (what a qemu:///session guest needs). */
  readWrite: boolean;
}

/** Probes of the machine this process runs on; only used for local URIs. */
export interface LocalProbes {
  kvmDevice(): Promise<KvmDeviceFact>;
  /** Which of kvm_intel, kvm_amd, kvm_pvm are loaded. */
  kvmModules(): Promise<KvmModule[]>;
  /** Which of `names` dpkg does not list as installed; null when there is no dpkg. */
  missingPackages(names: readonly string[]): Promise<string[] | null>;
  fileExists(path: string): Promise<boolean>;
  isRoot(): boolean;
  /** systemd is PID 1 (then daemons are started with systemctl). */
  systemdBooted(): Promise<boolean>;
}

export interface UriInfo {
  /** local: this machine's qemu:///system or qemu:///session (possibly over a unix socket). */
  scope: 'local' | 'remote';
  mode: 'system' | 'session' | 'other';
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CapabilitiesFacts {
  hostUuid: string;
  hostArch: string;
  cpuModel: string | null;
  cpuVendor: string | null;
  /** vmx / svm as listed in the host CPU features. */
  virtualizationFlags: Array<'vmx' | 'svm'>;
  /** The CPU reports the 'hypervisor' flag: this host is itself a virtual machine. */
  runsUnderHypervisor: boolean;
  /** Domain types libvirt lists for x86_64 hvm guests, e.g. ['qemu', 'kvm']. */
  domainTypes: string[];
  emulator: string | null;
}

export interface LocalFacts {
  kvmDevice: KvmDeviceFact;
  kvmModules: KvmModule[];
  /** null: no dpkg-query here, packages unknown. */
  missingPackages: string[] | null;
  defaultNetworkXmlFile: string | null;
  isRoot: boolean;
  systemd: boolean;
}

export interface LibvirtFacts {
  hostname: string | null;
  libVersion: Result<string>;
  hypervisorVersion: Result<string>;
  capabilities: Result<CapabilitiesFacts>;
  pools: Result<ObjectSummary[]>;
  networks: Result<ObjectSummary[]>;
}

export interface ReadinessFacts {
  uri: string;
  scope: UriInfo['scope'];
  mode: UriInfo['mode'];
  /** Either libvirt's facts, or why it could not be reached. */
  libvirt: ({ reachable: true } & LibvirtFacts) | { reachable: false; error: string };
  /** null for remote URIs: nothing on this machine describes that host. */
  local: LocalFacts | null;
}

/**
 * Classify a libvirt URI. Local means the QEMU driver on this machine with no host part and
 * no transport other than a unix socket; anything else (ssh, tcp, tls, another driver) is
 * judged only by what libvirt reports.
 */
export function classifyUri(uri: string): UriInfo {
  const m = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\/([^/?#]*)(\/[^?#]*)?/i.exec(uri.trim());
  if (!m) return { scope: 'remote', mode: 'other' };
  const [, driver, transport, host, path] = m;
  const mode = path === '/system' ? 'system' : path === '/session' ? 'session' : 'other';
  const local = driver?.toLowerCase() === 'qemu' && !host && (transport === undefined || transport.toLowerCase() === 'unix') && mode !== 'other';
  return { scope: local ? 'local' : 'remote', mode };
}

/**
 * The hypervisor to ask: a function that connects (and may fail — that is a fact), so the
 * caller owns opening and closing the real connection.
 */
export type ConnectFn = () => Promise<ReadinessHypervisor>;

export async function gatherReadinessFacts(uri: string, connect: ConnectFn, probes: LocalProbes): Promise<ReadinessFacts> {
  const { scope, mode } = classifyUri(uri);
  const [libvirt, local] = await Promise.all([
    gatherLibvirtFacts(connect),
    scope === 'local' ? gatherLocalFacts(probes) : Promise.resolve(null),
  ]);
  return { uri, scope, mode, libvirt, local };
}

async function gatherLibvirtFacts(connect: ConnectFn): Promise<ReadinessFacts['libvirt']> {
  let hv: ReadinessHypervisor;
  try {
    hv = await connect();
  } catch (error) {
    return { reachable: false, error: errorMessage(error) };
  }
  const [hostname, libVersion, hypervisorVersion, capsXml, pools, networks] = await Promise.all([
    settle(hv.getHostname()),
    settle(hv.getLibVersion()),
    settle(hv.getHypervisorVersion()),
    settle(hv.getCapabilities()),
    settle(hv.listStoragePools()),
    settle(hv.listNetworks()),
  ]);
  return {
    reachable: true,
    hostname: hostname.ok ? hostname.value : null,
    libVersion,
    hypervisorVersion,
    capabilities: capsXml.ok ? capabilitiesFacts(capsXml.value) : capsXml,
    pools,
    networks,
  };
}

/** The readiness-relevant part of the capabilities XML. */
export function capabilitiesFacts(xml: string): Result<CapabilitiesFacts> {
  try {
    const caps = parseCapabilities(xml);
    return {
      ok: true,
      value: {
        hostUuid: caps.hostUuid,
        hostArch: caps.host.arch,
        cpuModel: caps.host.cpu.model ?? null,
        cpuVendor: caps.host.cpu.vendor ?? null,
        virtualizationFlags: hostVirtualizationFlags(caps),
        runsUnderHypervisor: caps.host.cpu.features.includes('hypervisor'),
        domainTypes: domainTypesFor(caps, GUEST_ARCH),
        emulator: findGuest(caps, GUEST_ARCH)?.emulator ?? null,
      },
    };
  } catch (error) {
    return { ok: false, error: `capabilities XML could not be read: ${errorMessage(error)}` };
  }
}

async function gatherLocalFacts(probes: LocalProbes): Promise<LocalFacts> {
  const [kvmDevice, kvmModules, missingPackages, hasNetworkXml, systemd] = await Promise.all([
    probes.kvmDevice(),
    probes.kvmModules(),
    probes.missingPackages(READINESS_PACKAGES),
    probes.fileExists(DEFAULT_NETWORK_XML_FILE),
    probes.systemdBooted(),
  ]);
  return {
    kvmDevice,
    kvmModules,
    missingPackages,
    defaultNetworkXmlFile: hasNetworkXml ? DEFAULT_NETWORK_XML_FILE : null,
    isRoot: probes.isRoot(),
    systemd,
  };
}

async function settle<T>(promise: Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---- the real probes ------------------------------------------------------------------------

export interface NodeProbeOptions {
  /** Roots for /dev and /sys, for tests that lay out a fake tree. */
  devDir?: string;
  sysDir?: string;
}

export function createNodeProbes(opts: NodeProbeOptions = {}): LocalProbes {
  const devDir = opts.devDir ?? '/dev';
  const sysDir = opts.sysDir ?? '/sys';
  const exists = (p: string) => access(p).then(() => true, () => false);
  return {
    async kvmDevice() {
      const dev = `${devDir}/kvm`;
      const present = await stat(dev).then((s) => s.isCharacterDevice() || s.isFile(), () => false);
      const readWrite = present && (await access(dev, fsConstants.R_OK | fsConstants.W_OK).then(() => true, () => false));
      return { present, readWrite };
    },
    async kvmModules() {
      const found = await Promise.all(KVM_MODULES.map((m) => exists(`${sysDir}/module/${m}`)));
      return KVM_MODULES.filter((_, i) => found[i]);
    },
    missingPackages: dpkgMissing,
    fileExists: exists,
    isRoot: () => process.geteuid?.() === 0,
    async systemdBooted() {
      if (!(await exists('/run/systemd/system'))) return false;
      return readFile('/proc/1/comm', 'utf8').then((c) => c.trim() === 'systemd', () => false);
    },
  };
}

/** Packages among `names` that dpkg does not report as installed; null without dpkg-query. */
async function dpkgMissing(names: readonly string[]): Promise<string[] | null> {
  const out = await new Promise<string | null>((resolve) => {
    // One call for all names; unknown names print nothing and make dpkg-query exit 1.
    execFile('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { timeout: 15_000 }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve(null);
      else resolve(stdout);
    });
  });
  if (out === null) return null;
  const installed = new Set(
    out.split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(' ')[0]),
  );
  return names.filter((n) => !installed.has(n));
}
