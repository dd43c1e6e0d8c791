// A new domain's XML from an existing one (clone, or a VM from a template). Pass the source's
// *inactive* XML: live XML carries runtime state (tap devices, ptys, ports) that must not be
// copied — what little of it is recognisable is removed anyway.
//
// What must differ between two domains, or libvirt or the network will object:
// - name and UUID (no UUID lets libvirt generate one);
// - every MAC address (two NICs with one MAC on a bridge break both guests);
// - writable disk images (two guests writing one qcow2 corrupt it) — the caller copies the
//   volumes and passes old → new paths; a writable disk missing from that map is an error;
// - the UEFI variable store: <nvram> keeps its template but loses its path, so libvirt creates
//   a fresh store for the new name instead of sharing the source's;
// - a fixed VNC/SPICE port: reset to autoport;
// - an SMBIOS system UUID in <sysinfo>, which libvirt requires to equal the domain UUID.
// Tags and description are kept; the template flag is cleared (a clone is a VM).
import { DomainXmlError } from './domain-error.ts';
import { randomMac } from './domain-device-build.ts';
import { parseDisk } from './domain-devices.ts';
import { parseDomainRoot } from './domain-edit-support.ts';
import { withFerryMetadata } from './domain-metadata.ts';
import { mapChildren, removeChildren, setAttrs, updateChild, upsertChild } from './domain-tree.ts';
import { element, serializeXml, withElement } from './xml-build.ts';
import { attr, child, type XmlElement } from './xml.ts';

export interface CloneOptions {
  name: string;
  /** Default: none, and libvirt generates one on define. */
  uuid?: string;
  /**
   * Old → new disk source. Keys are source file paths (file disks), device paths (block
   * disks) or 'pool/volume' (volume disks); values are file paths, and the disk becomes a file
   * disk. Read-only and shareable disks (ISO images) not in the map are shared as they are.
   */
  disks: ReadonlyMap<string, string>;
}

function sourceKey(disk: XmlElement): string | undefined {
  const src = parseDisk(disk).source;
  if (!src) return undefined;
  if ('file' in src) return src.file;
  if ('dev' in src) return src.dev;
  if ('pool' in src) return `${src.pool}/${src.volume}`;
  return `${src.protocol}:${src.name}`;
}

function cloneDisk(disk: XmlElement, disks: ReadonlyMap<string, string>): XmlElement {
  const key = sourceKey(disk);
  const mapped = key === undefined ? undefined : disks.get(key);
  if (mapped === undefined) {
    const shared = child(disk, 'readonly') || child(disk, 'shareable') || attr(disk, 'device') === 'cdrom';
    if (key !== undefined && !shared) {
      const target = parseDisk(disk).target;
      throw new DomainXmlError('invalid', `writable disk ${target} (${key}) has no new source in the clone's disk map`);
    }
    return disk;
  }
  // A backing chain or runtime index described the old image, not the copy.
  const base = removeChildren(disk, (c) => c.name === 'backingStore' || c.name === 'alias');
  return upsertChild(setAttrs(base, { type: 'file' }), 'source', element('source', { file: mapped }), ['driver']);
}

function cloneNic(nic: XmlElement): XmlElement {
  const withMac = upsertChild(nic, 'mac', element('mac', { address: randomMac() }));
  // The tap device name (live XML) belongs to the source's running instance.
  return removeChildren(withMac, (c) => c.name === 'target' || c.name === 'alias');
}

function cloneGraphics(g: XmlElement): XmlElement {
  return setAttrs(g, { autoport: 'yes', port: undefined, tlsPort: undefined, websocket: undefined });
}

function cloneDevices(devices: XmlElement, disks: ReadonlyMap<string, string>): XmlElement {
  return mapChildren(devices, (cs) =>
    cs.map((d) => {
      if (d.name === 'disk') return cloneDisk(d, disks);
      if (d.name === 'interface') return cloneNic(d);
      if (d.name === 'graphics') return cloneGraphics(d);
      return d;
    }),
  );
}

function cloneOs(os: XmlElement): XmlElement {
  return mapChildren(os, (cs) =>
    cs.flatMap((c) => {
      if (c.name !== 'nvram') return [c];
      // Keep the template (and format) so libvirt creates a new store from it; drop the path.
      return Object.keys(c.attrs).length > 0 ? [withElement(c, { text: '' })] : [];
    }),
  );
}

function cloneSysinfo(sysinfo: XmlElement): XmlElement {
  return updateChild(sysinfo, 'system', (system) =>
    system ? removeChildren(system, (e) => e.name === 'entry' && attr(e, 'name') === 'uuid') : system,
  );
}

/** XML for a new domain copied from `xml` (see the header for what changes). */
export function cloneDomainXml(xml: string, options: CloneOptions): string {
  let root = parseDomainRoot(xml);
  // A running domain's id and security labels are not part of a definition.
  root = setAttrs(root, { id: undefined });
  root = removeChildren(root, (c) => c.name === 'seclabel' && attr(c, 'type') === 'dynamic');
  root = upsertChild(root, 'name', element('name', {}, options.name));
  root = upsertChild(root, 'uuid', options.uuid === undefined ? undefined : element('uuid', {}, options.uuid), ['name']);
  root = updateChild(root, 'os', (os) => (os ? cloneOs(os) : os));
  root = updateChild(root, 'sysinfo', (s) => (s ? cloneSysinfo(s) : s));
  root = updateChild(root, 'devices', (d) => (d ? cloneDevices(d, options.disks) : d));
  root = withFerryMetadata(root, { template: false });
  return serializeXml(root);
}
