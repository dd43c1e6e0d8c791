// Typed view of libvirt's host capabilities (`virsh capabilities`, virConnectGetCapabilities).
//
// Only what Ferry decides with is kept: the host CPU (for vmx/svm and migration), the host UUID,
// and per guest arch the machines, domain types and emulators. Reference:
// https://libvirt.org/formatcaps.html
//
// Quirk worth knowing: libvirt lists `<domain type='kvm'/>` whenever /dev/kvm opens, even when the
// "KVM" behind it cannot run stock guests (kvm_pvm on nested hosts). So a kvm domain type here is
// necessary for hardware acceleration, not sufficient; the readiness checks combine it with the
// CPU's vmx/svm feature.
import { attr, child, children, parseXml, textAt, XmlParseError, type XmlElement } from './xml.ts';

export interface CapabilitiesMachine {
  name: string;
  /** Set on aliases such as 'pc' → 'pc-i440fx-7.2'. */
  canonical?: string;
  maxCpus?: number;
  deprecated: boolean;
}

export interface CapabilitiesDomainType {
  /** 'qemu' (TCG), 'kvm', … */
  type: string;
  /** Emulator overriding the arch's default for this domain type (older libvirt lists one). */
  emulator?: string;
  /** Machines listed only for this domain type (older libvirt); usually empty. */
  machines: CapabilitiesMachine[];
}

export interface CapabilitiesGuest {
  osType: string;
  arch: string;
  wordSize?: number;
  /** The arch's default emulator binary. */
  emulator?: string;
  machines: CapabilitiesMachine[];
  domainTypes: CapabilitiesDomainType[];
  /** Names of the guest <features> children (acpi, apic, pae, …). */
  features: string[];
}

export interface CapabilitiesHostCpu {
  arch: string;
  model?: string;
  vendor?: string;
  /** Feature names as libvirt lists them beyond the model ('vmx', 'svm', 'hypervisor', …). */
  features: string[];
}

export interface HostCapabilities {
  /** The host's UUID (`<host><uuid>`), stable across reboots; '' when libvirt reports none. */
  hostUuid: string;
  host: { arch: string; cpu: CapabilitiesHostCpu };
  guests: CapabilitiesGuest[];
}

/** Parse virConnectGetCapabilities XML. Throws XmlParseError when it is not capabilities XML. */
export function parseCapabilities(xml: string): HostCapabilities {
  const root = parseXml(xml);
  if (root.name !== 'capabilities') {
    throw new XmlParseError(`expected <capabilities>, found <${root.name}>`);
  }
  const host = child(root, 'host');
  const cpu = child(host, 'cpu');
  const arch = textAt(cpu, 'arch') ?? '';
  const hostCpu: CapabilitiesHostCpu = {
    arch,
    features: children(cpu, 'feature').flatMap((f) => nonEmpty(attr(f, 'name'))),
  };
  const model = textAt(cpu, 'model');
  const vendor = textAt(cpu, 'vendor');
  if (model !== undefined) hostCpu.model = model;
  if (vendor !== undefined) hostCpu.vendor = vendor;
  return {
    hostUuid: textAt(host, 'uuid') ?? '',
    host: { arch, cpu: hostCpu },
    guests: children(root, 'guest').map(parseGuest),
  };
}

function parseGuest(guest: XmlElement): CapabilitiesGuest {
  const archEl = child(guest, 'arch');
  const out: CapabilitiesGuest = {
    osType: textAt(guest, 'os_type') ?? '',
    arch: attr(archEl, 'name') ?? '',
    machines: children(archEl, 'machine').map(parseMachine),
    domainTypes: children(archEl, 'domain').map((d) => {
      const dt: CapabilitiesDomainType = {
        type: attr(d, 'type') ?? '',
        machines: children(d, 'machine').map(parseMachine),
      };
      const emulator = textAt(d, 'emulator');
      if (emulator !== undefined) dt.emulator = emulator;
      return dt;
    }),
    features: (child(guest, 'features')?.children ?? []).map((f) => f.name),
  };
  const wordSize = toInt(textAt(archEl, 'wordsize'));
  const emulator = textAt(archEl, 'emulator');
  if (wordSize !== undefined) out.wordSize = wordSize;
  if (emulator !== undefined) out.emulator = emulator;
  return out;
}

function parseMachine(m: XmlElement): CapabilitiesMachine {
  const out: CapabilitiesMachine = { name: m.text, deprecated: attr(m, 'deprecated') === 'yes' };
  const canonical = attr(m, 'canonical');
  const maxCpus = toInt(attr(m, 'maxCpus'));
  if (canonical !== undefined) out.canonical = canonical;
  if (maxCpus !== undefined) out.maxCpus = maxCpus;
  return out;
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function nonEmpty(value: string | undefined): string[] {
  return value ? [value] : [];
}

/** CPU virtualization extensions the host CPU advertises: Intel VT-x is 'vmx', AMD-V is 'svm'. */
export function hostVirtualizationFlags(caps: HostCapabilities): Array<'vmx' | 'svm'> {
  return (['vmx', 'svm'] as const).filter((f) => caps.host.cpu.features.includes(f));
}

/** The hvm guest entry for an arch ('x86_64'), if libvirt can run one. */
export function findGuest(caps: HostCapabilities, arch: string, osType = 'hvm'): CapabilitiesGuest | undefined {
  return caps.guests.find((g) => g.arch === arch && g.osType === osType);
}

/** Domain types libvirt lists for hvm guests of an arch, e.g. ['qemu', 'kvm']. */
export function domainTypesFor(caps: HostCapabilities, arch: string): string[] {
  return findGuest(caps, arch)?.domainTypes.map((d) => d.type) ?? [];
}
