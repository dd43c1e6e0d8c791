// Domain XML → DomainConfig: everything a VM's detail page shows. Works on both the inactive
// (next boot) and the live XML of a domain. Reference: https://libvirt.org/formatdomain.html
import {
  GUEST_AGENT_CHANNEL,
  diskKey,
  nicKey,
  parseChannel,
  parseConsole,
  parseDisk,
  parseGraphics,
  parseNic,
  parseSerial,
  toInt,
} from './domain-devices.ts';
import { readFerryMetadata } from './domain-metadata.ts';
import type { BootEntry, CpuMode, DomainConfig, DomainCpu, DomainDisk, DomainFirmware, DomainNic } from './domain-types.ts';
import { toKiB } from './domain-units.ts';
import { attr, child, children, parseXml, textAt, XmlParseError, type XmlElement } from './xml.ts';

/** Parse a domain's XML (virDomainGetXMLDesc). Throws XmlParseError when it is not domain XML. */
export function parseDomain(xml: string): DomainConfig {
  return parseDomainElement(parseXml(xml));
}

/** The same, on an already parsed tree. */
export function parseDomainElement(root: XmlElement): DomainConfig {
  if (root.name !== 'domain') throw new XmlParseError(`expected <domain>, found <${root.name}>`);
  const os = child(root, 'os');
  const osType = child(os, 'type');
  const devices = child(root, 'devices');
  const disks = children(devices, 'disk').map(parseDisk);
  const nics = children(devices, 'interface').map(parseNic);
  const channels = children(devices, 'channel').map(parseChannel);
  const agent = channels.find((c) => c.name === GUEST_AGENT_CHANNEL);
  const vcpuEl = child(root, 'vcpu');
  const vcpuCount = toInt(vcpuEl?.text) ?? 1;
  const memoryKiB = memoryAt(root, 'memory') ?? 0;
  const meta = readFerryMetadata(root);

  const config: DomainConfig = {
    uuid: textAt(root, 'uuid') ?? '',
    name: textAt(root, 'name') ?? '',
    description: textAt(root, 'description') ?? '',
    type: attr(root, 'type') ?? '',
    arch: attr(osType, 'arch') ?? '',
    machine: attr(osType, 'machine') ?? '',
    memoryKiB,
    // libvirt treats a missing <currentMemory> as "all of <memory>".
    currentMemoryKiB: memoryAt(root, 'currentMemory') ?? memoryKiB,
    vcpus: {
      count: vcpuCount,
      current: toInt(attr(vcpuEl, 'current')) ?? vcpuCount,
      placement: attr(vcpuEl, 'placement') ?? 'static',
    },
    cpu: parseCpu(child(root, 'cpu'), vcpuCount),
    firmware: parseFirmware(os),
    boot: parseBoot(os, disks, nics),
    features: (child(root, 'features')?.children ?? []).filter((f) => attr(f, 'state') !== 'off').map((f) => f.name),
    disks,
    nics,
    graphics: children(devices, 'graphics').map(parseGraphics),
    serials: children(devices, 'serial').map(parseSerial),
    consoles: children(devices, 'console').map(parseConsole),
    channels,
    guestAgent: agent ? { configured: true, ...(agent.state ? { state: agent.state } : {}) } : { configured: false },
    lifecycle: {
      // The defaults libvirt applies when an element is missing.
      onPoweroff: textAt(root, 'on_poweroff') ?? 'destroy',
      onReboot: textAt(root, 'on_reboot') ?? 'restart',
      onCrash: textAt(root, 'on_crash') ?? 'destroy',
    },
    tags: meta.tags,
    template: meta.template,
  };
  const id = toInt(attr(root, 'id'));
  const title = textAt(root, 'title');
  const balloon = attr(child(devices, 'memballoon'), 'model');
  if (id !== undefined && id >= 0) config.id = id;
  if (title !== undefined) config.title = title;
  if (balloon !== undefined) config.balloonModel = balloon;
  return config;
}

function memoryAt(root: XmlElement, name: string): number | undefined {
  const el = child(root, name);
  return el ? toKiB(el.text, attr(el, 'unit')) : undefined;
}

const CPU_MODES: readonly CpuMode[] = ['host-passthrough', 'host-model', 'custom', 'maximum'];

function parseCpu(cpu: XmlElement | undefined, vcpuCount: number): DomainCpu {
  const topo = child(cpu, 'topology');
  // Without <topology>, libvirt asks QEMU for one socket per vCPU (sockets=N,cores=1,threads=1).
  const topology = {
    sockets: toInt(attr(topo, 'sockets')) ?? (topo ? 1 : vcpuCount),
    dies: toInt(attr(topo, 'dies')) ?? 1,
    cores: toInt(attr(topo, 'cores')) ?? 1,
    threads: toInt(attr(topo, 'threads')) ?? 1,
  };
  if (!cpu) return { mode: 'default', topology };
  const rawMode = attr(cpu, 'mode') ?? 'custom';
  const mode = CPU_MODES.find((m) => m === rawMode) ?? 'custom';
  const out: DomainCpu = { mode, topology };
  const model = textAt(cpu, 'model');
  if (model !== undefined && mode === 'custom') out.model = model;
  return out;
}

// Firmware, three ways libvirt may say UEFI:
// - <os firmware='efi'>: autoselection from /usr/share/qemu/firmware/*.json; the wanted
//   features are <os><firmware><feature name='secure-boot' enabled='yes'/>.
// - <loader type='pflash'>…OVMF_CODE…</loader>: an explicit image (virt-install, older libvirt,
//   and what autoselection resolves to in live XML); secure='yes' marks Secure Boot.
// - <os firmware='bios'> or nothing: SeaBIOS.
function parseFirmware(os: XmlElement | undefined): DomainFirmware {
  const loader = child(os, 'loader');
  const firmwareAttr = attr(os, 'firmware');
  const isEfi = firmwareAttr === 'efi' || (firmwareAttr !== 'bios' && attr(loader, 'type') === 'pflash');
  if (!isEfi) return { kind: 'bios' };
  const secureFeature = children(child(os, 'firmware'), 'feature').find((f) => attr(f, 'name') === 'secure-boot');
  const out: DomainFirmware = {
    kind: 'uefi',
    secureBoot: secureFeature ? attr(secureFeature, 'enabled') === 'yes' : attr(loader, 'secure') === 'yes',
  };
  if (loader?.text) out.loader = loader.text;
  const nvram = textAt(os, 'nvram');
  if (nvram !== undefined) out.nvram = nvram;
  return out;
}

// Boot order comes in two forms libvirt refuses to mix: <os><boot dev='hd'/> entries (device
// classes, in order) or <boot order='n'/> inside individual devices. Per-device order wins here
// as it does in libvirt's own parser when both somehow appear.
function parseBoot(os: XmlElement | undefined, disks: DomainDisk[], nics: DomainNic[]): BootEntry[] {
  const perDevice: BootEntry[] = [
    ...disks.flatMap((d) => (d.bootOrder !== undefined ? [{ kind: 'device' as const, key: diskKey(d.target), order: d.bootOrder }] : [])),
    ...nics.flatMap((n) => (n.bootOrder !== undefined ? [{ kind: 'device' as const, key: nicKey(n.mac), order: n.bootOrder }] : [])),
  ];
  if (perDevice.length > 0) {
    return perDevice.sort((a, b) => (a.kind === 'device' && b.kind === 'device' ? a.order - b.order : 0));
  }
  return children(os, 'boot').flatMap((b) => {
    const dev = attr(b, 'dev');
    return dev ? [{ kind: 'dev' as const, dev }] : [];
  });
}

