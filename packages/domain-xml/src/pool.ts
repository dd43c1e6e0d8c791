// Storage pools (`virsh pool-dumpxml`, virStoragePoolGetXMLDesc) as typed data, and the one
// pool definition Ferry creates: a directory pool. Reference: https://libvirt.org/formatstorage.html
//
// Only what Ferry shows or decides with is read: type, identity, the target directory and the
// three sizes. Inactive pools still carry sizes in their XML (libvirt keeps the last values),
// so callers take live numbers from virStoragePoolGetInfo when the pool runs.
import { attr, child, parseXml, textAt, XmlParseError } from './xml.ts';
import { element, serializeXml } from './xml-build.ts';
import { parseScaledSize } from './volume-size.ts';

export interface StoragePoolXml {
  /** 'dir', 'fs', 'logical', 'netfs', … */
  type: string;
  name: string;
  uuid: string;
  /** The target directory (dir, fs, netfs) or device path; absent for pools that have none. */
  path?: string;
  capacityBytes?: number;
  allocationBytes?: number;
  availableBytes?: number;
}

/** Parse pool XML. Throws XmlParseError when it is not a pool document. */
export function parseStoragePool(xml: string): StoragePoolXml {
  const root = parseXml(xml);
  if (root.name !== 'pool') throw new XmlParseError(`expected <pool>, found <${root.name}>`);
  const name = textAt(root, 'name');
  if (name === undefined) throw new XmlParseError('<pool> has no <name>');
  const out: StoragePoolXml = { type: attr(root, 'type') ?? '', name, uuid: textAt(root, 'uuid') ?? '' };
  const path = textAt(root, 'target', 'path');
  if (path !== undefined) out.path = path;
  const sizes = { capacityBytes: 'capacity', allocationBytes: 'allocation', availableBytes: 'available' } as const;
  for (const [key, tag] of Object.entries(sizes) as [keyof typeof sizes, string][]) {
    const bytes = parseScaledSize(child(root, tag));
    if (bytes !== undefined) out[key] = bytes;
  }
  return out;
}

export interface DirPoolSpec {
  name: string;
  /** Absolute directory; the caller has already decided it is an acceptable place. */
  path: string;
}

/**
 * `<pool type='dir'>` with a name and target path; libvirt adds the UUID. Mode 0711 is asked for
 * explicitly: building the pool then applies it even to a directory that already exists (say,
 * made 0700 by mkdtemp), and QEMU — running as libvirt-qemu, not root — can reach its images.
 */
export function buildDirPoolXml(spec: DirPoolSpec): string {
  return serializeXml(element('pool', { type: 'dir' },
    element('name', {}, spec.name),
    element('target', {}, element('path', {}, spec.path), element('permissions', {}, element('mode', {}, '0711'))),
  ));
}
