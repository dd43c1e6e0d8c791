// Fakes shared by the readiness tests: a hypervisor answering from captured capabilities, and
// machine probes describing this project's dev host unless told otherwise.
import { readFileSync } from 'node:fs';
import type { LocalProbes, ObjectSummary, ReadinessHypervisor } from '../modules/hosts/readiness/readiness.facts.ts';

// Capabilities captured on this project's dev host (kvm_pvm, no vmx) and its hand-made KVM twin,
// found through the package (its entry is src/index.ts, the fixtures sit beside it).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.resolve('@ferry/domain-xml')), 'utf8');
export const TCG_CAPS = fixture('capabilities-tcg-host.xml');
export const KVM_CAPS = fixture('capabilities-kvm-host.xml');

export const SYSTEM = 'qemu:///system';
export const summary = (name: string, active: boolean, autostart: boolean): ObjectSummary => ({ name, uuid: `uuid-${name}`, active, autostart });
export const READY_POOLS = [summary('default', true, true)];
export const READY_NETWORKS = [summary('default', true, true)];

export interface FakeHost {
  caps?: string;
  pools?: ObjectSummary[];
  networks?: ObjectSummary[];
  libVersion?: string;
  qemuVersion?: string;
}

export function fakeHypervisor(host: FakeHost = {}): ReadinessHypervisor {
  return {
    getHostname: async () => 'hv1',
    getLibVersion: async () => host.libVersion ?? '9.0.0',
    getHypervisorVersion: async () => host.qemuVersion ?? '7.2.0',
    getCapabilities: async () => host.caps ?? TCG_CAPS,
    listStoragePools: async () => host.pools ?? READY_POOLS,
    listNetworks: async () => host.networks ?? READY_NETWORKS,
  };
}

export type FakeMachine = Partial<{
  kvmDevice: { present: boolean; readWrite: boolean };
  kvmModules: Array<'kvm_intel' | 'kvm_amd' | 'kvm_pvm'>;
  missingPackages: string[] | null;
  networkXmlFile: boolean;
  root: boolean;
  systemd: boolean;
}>;

/** This dev host by default: kvm_pvm, /dev/kvm usable, packages present, root, no systemd. */
export function fakeProbes(m: FakeMachine = {}): LocalProbes {
  return {
    kvmDevice: async () => m.kvmDevice ?? { present: true, readWrite: true },
    kvmModules: async () => m.kvmModules ?? ['kvm_pvm'],
    missingPackages: async (names) => (m.missingPackages === null ? null : (m.missingPackages ?? []).filter((p) => names.includes(p))),
    fileExists: async () => m.networkXmlFile ?? true,
    isRoot: () => m.root ?? true,
    systemdBooted: async () => m.systemd ?? false,
  };
}

/** Probes that must not be touched (remote URIs). */
export const untouchableProbes: LocalProbes = new Proxy({} as LocalProbes, {
  get: (_t, prop) => () => {
    throw new Error(`local probe ${String(prop)} called for a remote URI`);
  },
});
