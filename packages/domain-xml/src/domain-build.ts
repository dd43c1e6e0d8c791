// NewDomainSpec → domain XML for virDomainDefineXML.
//
// The spec has no field that could yield host device passthrough, <qemu:commandline>, a custom
// emulator or a non-loopback console: what Ferry creates is limited by the shape of this input,
// not by filtering its output. Every value goes through the escaping serializer.
//
// Choices libvirt would otherwise make for us, and why we make them explicitly:
// - VNC listens on 127.0.0.1 with autoport: the console proxy is the only way in.
// - A USB tablet: with only the PS/2 mouse libvirt adds, the pointer drifts in noVNC.
// - Standard VGA video: libvirt 9.0 picks cirrus, which modern guests and OVMF handle poorly.
// - A virtio-scsi controller when a disk uses the SCSI bus: libvirt's x86 default is the LSI
//   controller, which most current guests have no driver for.
// - UEFI uses firmware autoselection (<os firmware='efi'>): libvirt picks the image from the
//   QEMU firmware descriptors by the features we ask for, and creates the per-VM NVRAM itself.
//   Secure Boot needs SMM, and SMM needs the q35 machine.
// - Boot order: per-device <boot order> when the caller gave any, else <os><boot dev='hd'/>
//   (then cdrom): libvirt refuses the two forms together.
import { DomainXmlError } from './domain-error.ts';
import { diskElement, interfaceElement, nextDiskTarget, randomMac } from './domain-device-build.ts';
import { GUEST_AGENT_CHANNEL } from './domain-devices.ts';
import { withFerryMetadata } from './domain-metadata.ts';
import type { CpuSpec, FirmwareSpec, NewDisk, NewDomainSpec, VcpuSpec } from './domain-types.ts';
import { element, serializeXml } from './xml-build.ts';
import type { XmlElement } from './xml.ts';

/** libvirt refuses longer VNC passwords (the RFB protocol uses 8 bytes of DES key). */
export const VNC_PASSWORD_MAX = 8;

/** True for the q35 machine type or any versioned alias of it ('pc-q35-7.2'). */
export const isQ35 = (machine: string): boolean => machine === 'q35' || machine.startsWith('pc-q35-');

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new DomainXmlError('invalid', `${what} must be a positive integer`);
  return value;
}

export function vcpuTotal(v: VcpuSpec): number {
  return positiveInt(v.sockets, 'sockets') * positiveInt(v.cores, 'cores') * positiveInt(v.threads, 'threads');
}

export function topologyElement(v: VcpuSpec): XmlElement {
  return element('topology', { sockets: v.sockets, dies: 1, cores: v.cores, threads: v.threads });
}

/** <cpu> for a spec; `rest` (topology, NUMA cells, …) follows the model. */
export function cpuElement(cpu: CpuSpec, ...rest: XmlElement[]): XmlElement {
  if (cpu.mode === 'custom') return element('cpu', { mode: 'custom', match: 'exact' }, element('model', {}, cpu.model), ...rest);
  return element('cpu', { mode: cpu.mode }, ...rest);
}

function osElement(spec: NewDomainSpec, bootDevs: string[]): XmlElement {
  const fw: FirmwareSpec = spec.firmware;
  const type = element('type', { arch: spec.arch ?? 'x86_64', machine: spec.machine }, 'hvm');
  const boots = bootDevs.map((dev) => element('boot', { dev }));
  if (fw.kind === 'bios') return element('os', {}, type, ...boots);
  const enabled = fw.secureBoot ? 'yes' : 'no';
  return element(
    'os',
    { firmware: 'efi' },
    type,
    // Both features pinned, so autoselection cannot pick a Secure Boot image for a VM that asked
    // for none (or one without Microsoft's keys enrolled for one that did).
    element(
      'firmware',
      {},
      element('feature', { enabled, name: 'enrolled-keys' }),
      element('feature', { enabled, name: 'secure-boot' }),
    ),
    ...boots,
  );
}

function checkSpec(spec: NewDomainSpec): void {
  positiveInt(spec.memoryMiB, 'memoryMiB');
  vcpuTotal(spec.vcpus);
  const q35 = isQ35(spec.machine);
  if (spec.firmware.kind === 'uefi' && spec.firmware.secureBoot && !q35) {
    throw new DomainXmlError('invalid', 'Secure Boot needs the q35 machine type (it relies on SMM)');
  }
  if (q35 && spec.disks.some((d) => d.bus === 'ide')) {
    throw new DomainXmlError('invalid', 'the q35 machine type has no IDE bus; use sata');
  }
  if (spec.vncPassword !== undefined && (spec.vncPassword.length === 0 || spec.vncPassword.length > VNC_PASSWORD_MAX)) {
    throw new DomainXmlError('invalid', `a VNC password has 1 to ${VNC_PASSWORD_MAX} characters`);
  }
  if (spec.title !== undefined && /[\r\n]/.test(spec.title)) throw new DomainXmlError('invalid', 'a title is a single line');
  const orders = [...spec.disks, ...spec.nics].flatMap((d) => (d.bootOrder === undefined ? [] : [d.bootOrder]));
  orders.forEach((o) => positiveInt(o, 'bootOrder'));
  if (new Set(orders).size !== orders.length) throw new DomainXmlError('invalid', 'two devices have the same boot order');
}

/** Disks with their target names chosen in list order, each bus counting on its own. */
function withTargets(disks: NewDisk[]): Array<NewDisk & { target: string }> {
  const used: string[] = [];
  return disks.map((d) => {
    const target = nextDiskTarget(d.bus, used);
    used.push(target);
    return { ...d, target };
  });
}

/** The <domain> element for a spec (see buildDomainXml). */
export function buildDomainElement(spec: NewDomainSpec): XmlElement {
  checkSpec(spec);
  const total = vcpuTotal(spec.vcpus);
  const perDeviceBoot = [...spec.disks, ...spec.nics].some((d) => d.bootOrder !== undefined);
  const bootDevs = perDeviceBoot ? [] : ['hd', ...(spec.disks.some((d) => d.kind === 'cdrom') ? ['cdrom'] : [])];
  const secureBoot = spec.firmware.kind === 'uefi' && spec.firmware.secureBoot;
  const mem = String(spec.memoryMiB);

  const devices = element(
    'devices',
    {},
    ...withTargets(spec.disks).map(diskElement),
    spec.disks.some((d) => d.bus === 'scsi') && element('controller', { type: 'scsi', index: 0, model: 'virtio-scsi' }),
    ...spec.nics.map((n) => interfaceElement({ ...n, mac: n.mac ?? randomMac() })),
    element('serial', { type: 'pty' }, element('target', { port: 0 })),
    element('console', { type: 'pty' }, element('target', { type: 'serial', port: 0 })),
    element('channel', { type: 'unix' }, element('target', { type: 'virtio', name: GUEST_AGENT_CHANNEL })),
    element('input', { type: 'tablet', bus: 'usb' }),
    element(
      'graphics',
      { type: 'vnc', autoport: 'yes', passwd: spec.vncPassword },
      element('listen', { type: 'address', address: '127.0.0.1' }),
    ),
    element('video', {}, element('model', { type: 'vga' })),
    // A stats period makes the balloon driver report the guest's own memory use (MemAvailable
    // and friends) to the stats sampler; without it, used memory inside the guest is unknown.
    element('memballoon', { model: 'virtio' }, element('stats', { period: 10 })),
  );

  const domain = element(
    'domain',
    { type: spec.type },
    element('name', {}, spec.name),
    spec.uuid !== undefined && element('uuid', {}, spec.uuid),
    spec.title !== undefined && element('title', {}, spec.title),
    spec.description !== undefined && element('description', {}, spec.description),
    element('memory', { unit: 'MiB' }, mem),
    element('currentMemory', { unit: 'MiB' }, mem),
    element('vcpu', { placement: 'static' }, String(total)),
    osElement(spec, bootDevs),
    element('features', {}, element('acpi'), element('apic'), secureBoot && element('smm', { state: 'on' })),
    cpuElement(spec.cpu, topologyElement(spec.vcpus)),
    element('clock', { offset: 'utc' }),
    element('on_poweroff', {}, 'destroy'),
    element('on_reboot', {}, 'restart'),
    element('on_crash', {}, 'destroy'),
    devices,
  );
  return spec.tags && spec.tags.length > 0 ? withFerryMetadata(domain, { tags: spec.tags }) : domain;
}

/**
 * Domain XML for virDomainDefineXML. Throws DomainXmlError('invalid') for combinations libvirt
 * would refuse (Secure Boot without q35, IDE on q35, a VNC password over 8 characters, …).
 */
export function buildDomainXml(spec: NewDomainSpec): string {
  return serializeXml(buildDomainElement(spec));
}
