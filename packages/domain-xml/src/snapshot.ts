// Domain snapshots (`virsh snapshot-dumpxml`, virDomainSnapshotGetXMLDesc) as typed data.
// Reference: https://libvirt.org/formatsnapshot.html
//
// What a snapshot document says, and where:
//   <domainsnapshot>
//     <name/> <description/> <state/>            state: the VM's state when it was taken, or
//                                                 'disk-snapshot' (disk-only of a running VM)
//     <creationTime/>                             seconds since the epoch
//     <parent><name/></parent>                    absent for a root
//     <memory snapshot='internal|external|no' file=…/>
//     <disks><disk name='vda' snapshot='internal|external|no'><source file=…/></disk></disks>
//     <domain>…</domain>                          the VM's definition when it was taken
//   </domainsnapshot>
//
// Ferry's own label (how consistent a disk-only snapshot of a running VM is: libvirt does not
// record whether the guest agent froze the file systems) lives in the embedded domain's
// <metadata>, in its own namespace, naming the snapshot it belongs to:
//   <ferry:snapshot xmlns:ferry="https://ferry.dev/xmlns/snapshot/1" name="s1" consistency="quiesced"/>
// A revert copies the embedded domain back into the VM's definition, so later snapshots may
// carry an older label; one whose name is not the snapshot's own is ignored.
import { parseDomainElement } from './domain-parse.ts';
import type { DomainConfig } from './domain-types.ts';
import { attr, child, children, parseXml, textAt, XmlParseError, type XmlElement } from './xml.ts';

export const SNAPSHOT_LABEL_NS = 'https://ferry.dev/xmlns/snapshot/1';
export const SNAPSHOT_CONSISTENCY = ['quiesced', 'crash-consistent'] as const;
export type SnapshotConsistencyLabel = (typeof SNAPSHOT_CONSISTENCY)[number];

export interface SnapshotDiskXml {
  /** The disk's target (vda, sdb …). */
  target: string;
  /** 'internal' | 'external' | 'no' | 'manual' (libvirt's words; '' when unsaid). */
  snapshot: string;
  /** External: the overlay file new writes go to after the snapshot. */
  file?: string;
}

export interface SnapshotXml {
  name: string;
  description: string;
  /** 'running' | 'paused' | 'shutoff' | 'disk-snapshot' | … */
  state: string;
  /** Seconds since the epoch. */
  creationTime: number;
  parent: string | null;
  memory: { snapshot: string; file?: string };
  disks: SnapshotDiskXml[];
  /** The VM as it was; null when the document has no <domain> (never from libvirt itself). */
  domain: DomainConfig | null;
  /** Ferry's label, when it names this snapshot. */
  consistency?: SnapshotConsistencyLabel;
}

/** Parse a snapshot document. Throws XmlParseError when it is not one. */
export function parseSnapshot(xml: string): SnapshotXml {
  const root = parseXml(xml);
  if (root.name !== 'domainsnapshot') throw new XmlParseError(`expected <domainsnapshot>, found <${root.name}>`);
  const name = textAt(root, 'name');
  if (name === undefined) throw new XmlParseError('<domainsnapshot> has no <name>');
  const memoryEl = child(root, 'memory');
  const domainEl = child(root, 'domain');
  const out: SnapshotXml = {
    name,
    description: textAt(root, 'description') ?? '',
    state: textAt(root, 'state') ?? '',
    creationTime: Number(textAt(root, 'creationTime') ?? 0) || 0,
    parent: textAt(root, 'parent', 'name') ?? null,
    memory: { snapshot: attr(memoryEl, 'snapshot') ?? 'no', ...(attr(memoryEl, 'file') ? { file: attr(memoryEl, 'file')! } : {}) },
    disks: children(child(root, 'disks'), 'disk').map(parseSnapshotDisk),
    domain: domainEl ? parseDomainElement(domainEl) : null,
  };
  const label = domainEl ? readLabel(domainEl, name) : undefined;
  if (label) out.consistency = label;
  return out;
}

function parseSnapshotDisk(el: XmlElement): SnapshotDiskXml {
  const file = attr(child(el, 'source'), 'file');
  return { target: attr(el, 'name') ?? '', snapshot: attr(el, 'snapshot') ?? '', ...(file ? { file } : {}) };
}

/** Where a snapshot keeps its data: external when any part of it is in a separate file. */
export function snapshotLocation(s: Pick<SnapshotXml, 'memory' | 'disks'>): 'internal' | 'external' {
  return s.memory.snapshot === 'external' || s.disks.some((d) => d.snapshot === 'external') ? 'external' : 'internal';
}

/** The files an external snapshot created (overlays and a memory file), for sizes and clean-up. */
export function snapshotFiles(s: Pick<SnapshotXml, 'memory' | 'disks'>): string[] {
  return [
    ...s.disks.filter((d) => d.snapshot === 'external' && d.file).map((d) => d.file!),
    ...(s.memory.snapshot === 'external' && s.memory.file ? [s.memory.file] : []),
  ];
}

/** `el` is a ferry:snapshot label element (any prefix, declared on itself). */
export function isSnapshotLabel(el: XmlElement): boolean {
  const colon = el.name.indexOf(':');
  const prefix = colon === -1 ? '' : el.name.slice(0, colon);
  const local = colon === -1 ? el.name : el.name.slice(colon + 1);
  return local === 'snapshot' && el.attrs[prefix === '' ? 'xmlns' : `xmlns:${prefix}`] === SNAPSHOT_LABEL_NS;
}

function readLabel(domain: XmlElement, name: string): SnapshotConsistencyLabel | undefined {
  const label = child(domain, 'metadata')?.children.find((c) => isSnapshotLabel(c) && attr(c, 'name') === name);
  const value = attr(label, 'consistency');
  return SNAPSHOT_CONSISTENCY.find((c) => c === value);
}

/** Facts of a domain definition that decide which snapshots it can have, beyond DomainConfig. */
export interface DomainSnapshotFacts {
  /** Host devices passed through (<hostdev>): their state cannot be saved with the memory. */
  hostdevs: number;
}

export function domainSnapshotFacts(domainXml: string): DomainSnapshotFacts {
  const root = parseXml(domainXml);
  if (root.name !== 'domain') throw new XmlParseError(`expected <domain>, found <${root.name}>`);
  return { hostdevs: children(child(root, 'devices'), 'hostdev').length };
}
