// Storage volumes (`virsh vol-dumpxml`, virStorageVolGetXMLDesc) as typed data, and the
// definition of a new, empty volume. Reference: https://libvirt.org/formatstorage.html#storage-volume-xml
//
// In a directory pool libvirt learns a file's format by probing its header on every refresh:
// a volume created as raw whose bytes are a qcow2 image is reported as qcow2 (with its
// <backingStore>) afterwards. Readers that must trust a format check it against what was
// declared; see the server's upload checks.
import { attr, child, parseXml, textAt, XmlParseError } from './xml.ts';
import { element, serializeXml, XmlBuildError } from './xml-build.ts';
import { parseScaledSize } from './volume-size.ts';

export interface StorageVolumeXml {
  /** 'file', 'block', 'dir', … */
  type?: string;
  name: string;
  key?: string;
  path?: string;
  /** libvirt's format name: 'qcow2', 'raw', 'iso', 'dir', … */
  format?: string;
  capacityBytes?: number;
  allocationBytes?: number;
  /** The image this one is an overlay of, when it has one. */
  backingStore?: { path: string; format?: string };
}

/** Parse volume XML. Throws XmlParseError when it is not a volume document. */
export function parseStorageVolume(xml: string): StorageVolumeXml {
  const root = parseXml(xml);
  if (root.name !== 'volume') throw new XmlParseError(`expected <volume>, found <${root.name}>`);
  const name = textAt(root, 'name');
  if (name === undefined) throw new XmlParseError('<volume> has no <name>');
  const out: StorageVolumeXml = { name };
  const type = attr(root, 'type');
  const key = textAt(root, 'key');
  const path = textAt(root, 'target', 'path');
  const format = attr(child(child(root, 'target'), 'format'), 'type');
  const capacity = parseScaledSize(child(root, 'capacity'));
  const allocation = parseScaledSize(child(root, 'allocation'));
  if (type !== undefined) out.type = type;
  if (key !== undefined) out.key = key;
  if (path !== undefined) out.path = path;
  if (format !== undefined) out.format = format;
  if (capacity !== undefined) out.capacityBytes = capacity;
  if (allocation !== undefined) out.allocationBytes = allocation;
  const backing = child(root, 'backingStore');
  const backingPath = textAt(backing, 'path');
  if (backingPath !== undefined) {
    const backingFormat = attr(child(backing, 'format'), 'type');
    out.backingStore = backingFormat === undefined ? { path: backingPath } : { path: backingPath, format: backingFormat };
  }
  return out;
}

export type NewVolumeFormat = 'qcow2' | 'raw' | 'iso';

export interface VolumeSpec {
  name: string;
  capacityBytes: number;
  format: NewVolumeFormat;
  /**
   * Bytes to allocate up front (default 0: a sparse raw file, or a qcow2 with metadata only).
   * Thin by default, as Proxmox does: space is taken as the guest writes.
   */
  allocationBytes?: number;
}

/** `<volume>` with name, capacity, allocation and format, all in bytes. */
export function buildVolumeXml(spec: VolumeSpec): string {
  const allocation = spec.allocationBytes ?? 0;
  for (const [what, n] of [['capacity', spec.capacityBytes], ['allocation', allocation]] as const) {
    // A float or an exponent ('1e+21') would reach libvirt as text it parses differently.
    if (!Number.isSafeInteger(n) || n < 0) throw new XmlBuildError(`volume ${what} must be a whole number of bytes, got ${n}`);
  }
  return serializeXml(element('volume', {},
    element('name', {}, spec.name),
    element('capacity', { unit: 'bytes' }, String(spec.capacityBytes)),
    element('allocation', { unit: 'bytes' }, String(allocation)),
    element('target', {}, element('format', { type: spec.format })),
  ));
}
