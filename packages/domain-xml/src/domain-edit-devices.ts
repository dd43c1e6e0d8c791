// Adding, changing and removing disks and NICs in domain XML, and finding a device's XML.
//
// The add/update functions return both the whole new domain XML (to define for the next boot)
// and the device's own XML (for virDomainAttachDeviceFlags / UpdateDeviceFlags on a running
// VM). To hot-plug, run them on the *live* XML: the target name and MAC are then chosen against
// what the guest has now, and an updated interface keeps its runtime alias, which libvirt uses
// to find the device.
import { isQ35 } from './domain-build.ts';
import { DomainXmlError } from './domain-error.ts';
import { checkMac, diskElement, interfaceElement, nextDiskTarget, randomMac } from './domain-device-build.ts';
import { diskKey, nicKey, parseDisk, parseNic } from './domain-devices.ts';
import { deviceMatcher, editDomain, findDevice, parseDomainRoot, requireDevice } from './domain-edit-support.ts';
import { insertAfter, mapChildren, removeChildren, setAttrs, updateChild, upsertChild } from './domain-tree.ts';
import type { DeviceKey, NewDisk, NewNic, NicSource } from './domain-types.ts';
import { element, serializeXml } from './xml-build.ts';
import { attr, child, children, type XmlElement } from './xml.ts';

export interface DeviceEdit {
  /** The whole domain with the change applied. */
  xml: string;
  /** The changed device alone (for attach/update on a running domain). */
  deviceXml: string;
}

/** Apply `f` to <devices> (created when missing). */
function withDevices(root: XmlElement, f: (devices: XmlElement) => XmlElement): XmlElement {
  return updateChild(root, 'devices', (d) => f(d ?? element('devices')));
}

/** A new boot order must fit the domain's boot style and not repeat a number. */
function checkBootOrder(root: XmlElement, order: number | undefined): void {
  if (order === undefined) return;
  if (!Number.isInteger(order) || order < 1) throw new DomainXmlError('invalid', 'bootOrder must be a positive integer');
  if (children(child(root, 'os'), 'boot').length > 0) {
    // libvirt refuses per-device order next to <os><boot dev>; the caller sets a full order first.
    throw new DomainXmlError('conflict', 'the domain boots by device class (<os><boot dev>); set a per-device boot order first');
  }
  const taken = (child(root, 'devices')?.children ?? []).some((d) => attr(child(d, 'boot'), 'order') === String(order));
  if (taken) throw new DomainXmlError('conflict', `another device already has boot order ${order}`);
}

/** Add a disk or cdrom with the first free target name on its bus. */
export function addDomainDisk(xml: string, disk: NewDisk): DeviceEdit & { target: string } {
  const root = parseDomainRoot(xml);
  if (disk.bus === 'ide' && isQ35(attr(child(child(root, 'os'), 'type'), 'machine') ?? '')) {
    throw new DomainXmlError('invalid', 'the q35 machine type has no IDE bus; use sata');
  }
  checkBootOrder(root, disk.bootOrder);
  const used = children(child(root, 'devices'), 'disk').map((d) => parseDisk(d).target);
  const target = nextDiskTarget(disk.bus, used);
  const diskEl = diskElement({ ...disk, target });
  const next = withDevices(root, (devices) => {
    let out = insertAfter(devices, ['emulator', 'disk'], diskEl);
    // libvirt would add an LSI controller for a SCSI disk; guests expect virtio-scsi.
    if (disk.bus === 'scsi' && !children(out, 'controller').some((c) => attr(c, 'type') === 'scsi')) {
      out = insertAfter(out, ['emulator', 'disk', 'controller'], element('controller', { type: 'scsi', model: 'virtio-scsi' }));
    }
    return out;
  });
  return { xml: serializeXml(next), deviceXml: serializeXml(diskEl), target };
}

/** Remove the disk with this target name. Throws DomainXmlError('not-found') when there is none. */
export function removeDomainDisk(xml: string, target: string): string {
  return removeDevice(xml, diskKey(target));
}

/** Add a NIC; without a MAC it gets a random one the domain does not use yet. */
export function addDomainNic(xml: string, nic: NewNic): DeviceEdit & { mac: string } {
  const root = parseDomainRoot(xml);
  checkBootOrder(root, nic.bootOrder);
  const macs = new Set(children(child(root, 'devices'), 'interface').map((i) => parseNic(i).mac));
  let mac = nic.mac === undefined ? randomMac() : checkMac(nic.mac);
  if (nic.mac !== undefined && macs.has(mac)) throw new DomainXmlError('conflict', `the domain already has a NIC with MAC ${mac}`);
  while (macs.has(mac)) mac = randomMac();
  const nicEl = interfaceElement({ ...nic, mac });
  const next = withDevices(root, (devices) => insertAfter(devices, ['emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface'], nicEl));
  return { xml: serializeXml(next), deviceXml: serializeXml(nicEl), mac };
}

export interface NicChange {
  model?: string;
  source?: NicSource;
  linkState?: 'up' | 'down';
}

function changeNic(el: XmlElement, change: NicChange): XmlElement {
  let out = el;
  if (change.source) {
    const isNetwork = 'network' in change.source;
    out = setAttrs(out, { type: isNetwork ? 'network' : 'bridge' });
    // A fresh <source>: runtime attributes (portid, the network's bridge) belong to the old one.
    const source = element('source', 'network' in change.source ? { network: change.source.network } : { bridge: change.source.bridge });
    out = upsertChild(out, 'source', source, ['mac']);
  }
  if (change.model !== undefined) out = upsertChild(out, 'model', element('model', { type: change.model }), ['mac', 'source', 'target']);
  // 'up' is written out rather than implied: UpdateDeviceFlags compares it to the old state.
  if (change.linkState) out = upsertChild(out, 'link', element('link', { state: change.linkState }), ['mac', 'source', 'target', 'model']);
  return out;
}

/**
 * Change a NIC's model, source or link state, found by MAC. On a running VM libvirt can update
 * the link state and the source live, but not the model (that needs the next boot).
 */
export function updateDomainNic(xml: string, mac: string, change: NicChange): DeviceEdit {
  const root = parseDomainRoot(xml);
  const key = nicKey(mac);
  const updated = changeNic(requireDevice(root, key), change);
  const match = deviceMatcher(key);
  const next = withDevices(root, (devices) => mapChildren(devices, (cs) => cs.map((c) => (match(c) ? updated : c))));
  return { xml: serializeXml(next), deviceXml: serializeXml(updated) };
}

/** Remove the NIC with this MAC. Throws DomainXmlError('not-found') when there is none. */
export function removeDomainNic(xml: string, mac: string): string {
  return removeDevice(xml, nicKey(mac));
}

function removeDevice(xml: string, key: DeviceKey): string {
  return editDomain(xml, (root) => {
    requireDevice(root, key);
    return withDevices(root, (devices) => removeChildren(devices, deviceMatcher(key)));
  });
}

/**
 * The current XML of one device ('disk:vda', 'nic:52:54:00:…'), as virDomainDetachDeviceFlags
 * wants it; undefined when the domain has no such device. From live XML it includes the alias,
 * which is how libvirt matches the device to detach.
 */
export function findDeviceXml(xml: string, key: DeviceKey): string | undefined {
  const el = findDevice(parseDomainRoot(xml), key);
  return el ? serializeXml(el) : undefined;
}
