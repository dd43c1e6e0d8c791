// Building single devices: the <disk> and <interface> elements used both inside a new domain
// and on their own for virDomainAttachDeviceFlags / DetachDeviceFlags / UpdateDeviceFlags.
import { randomBytes } from 'node:crypto';
import { DomainXmlError } from './domain-error.ts';
import { normalizeMac } from './domain-devices.ts';
import type { DiskBus, NewDisk, NewNic } from './domain-types.ts';
import { element, serializeXml } from './xml-build.ts';
import type { XmlElement } from './xml.ts';

/**
 * A fresh locally administered MAC in QEMU's 52:54:00 range, from the OS's CSPRNG. Collisions
 * within one L2 segment are possible in principle (1 in 16.7 million per pair); callers adding
 * to a domain check its existing MACs.
 */
export function randomMac(): string {
  const b = randomBytes(3);
  return ['52', '54', '00', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A MAC as libvirt stores it (lower case), refusing anything that is not a unicast address. */
export function checkMac(mac: string): string {
  const m = normalizeMac(mac);
  // The low bit of the first octet marks multicast, which libvirt refuses for a NIC.
  if (!MAC_PATTERN.test(m) || (parseInt(m.slice(0, 2), 16) & 1) === 1) {
    throw new DomainXmlError('invalid', `${JSON.stringify(mac)} is not a unicast MAC address`);
  }
  return m;
}

// Target names are the guest-visible order hint and libvirt's disk identity. Each bus has its
// prefix (SATA and SCSI share 'sd', like Linux does), and the suffix counts like spreadsheet
// columns: a…z, aa…az, ba… (libvirt's virIndexToDiskName).
const PREFIX: Readonly<Record<DiskBus, string>> = { virtio: 'vd', sata: 'sd', scsi: 'sd', ide: 'hd' };
// Two IDE buses with two units each: hda…hdd is all a PIIX controller has.
const IDE_MAX = 4;
const MAX_INDEX = 26 * 27; // up to 'zz': far more disks than any domain may have.

function indexToSuffix(index: number): string {
  let s = '';
  for (let i = index; i >= 0; i = Math.floor(i / 26) - 1) s = String.fromCharCode(97 + (i % 26)) + s;
  return s;
}

/** The first free target name for `bus`, skipping every name in `used`. */
export function nextDiskTarget(bus: DiskBus, used: Iterable<string>): string {
  const taken = new Set(used);
  const max = bus === 'ide' ? IDE_MAX : MAX_INDEX;
  for (let i = 0; i < max; i++) {
    const name = PREFIX[bus] + indexToSuffix(i);
    if (!taken.has(name)) return name;
  }
  throw new DomainXmlError('conflict', `no free target name is left on the ${bus} bus`);
}

export type DiskDeviceSpec = NewDisk & { target: string };

/** The <disk> element for a new disk or cdrom. */
export function diskElement(disk: DiskDeviceSpec): XmlElement {
  const boot = disk.bootOrder !== undefined && element('boot', { order: disk.bootOrder });
  if (disk.kind === 'cdrom') {
    // A cdrom is always raw and read-only; QEMU refuses anything else for the device type.
    return element(
      'disk',
      { type: 'file', device: 'cdrom' },
      element('driver', { name: 'qemu', type: 'raw' }),
      element('source', { file: disk.source.file }),
      element('target', { dev: disk.target, bus: disk.bus }),
      element('readonly'),
      boot,
    );
  }
  return element(
    'disk',
    { type: 'file', device: 'disk' },
    element('driver', { name: 'qemu', type: disk.format, cache: disk.cache, discard: disk.discard }),
    element('source', { file: disk.source.file }),
    element('target', { dev: disk.target, bus: disk.bus }),
    boot,
  );
}

export type InterfaceDeviceSpec = NewNic & { mac: string };

/** The <interface> element for a NIC on a libvirt network or a host bridge. */
export function interfaceElement(nic: InterfaceDeviceSpec): XmlElement {
  const isNetwork = 'network' in nic.source;
  return element(
    'interface',
    { type: isNetwork ? 'network' : 'bridge' },
    element('mac', { address: checkMac(nic.mac) }),
    element('source', 'network' in nic.source ? { network: nic.source.network } : { bridge: nic.source.bridge }),
    element('model', { type: nic.model ?? 'virtio' }),
    nic.bootOrder !== undefined && element('boot', { order: nic.bootOrder }),
  );
}

/** <disk> XML for virDomainAttachDeviceFlags (the target name must be chosen: nextDiskTarget). */
export function buildDiskDeviceXml(disk: DiskDeviceSpec): string {
  return serializeXml(diskElement(disk));
}

/** <interface> XML for virDomainAttachDeviceFlags (pick the MAC first: randomMac, or addDomainNic). */
export function buildInterfaceDeviceXml(nic: InterfaceDeviceSpec): string {
  return serializeXml(interfaceElement(nic));
}
