// Snapshot documents Ferry writes: the request for a new snapshot, and the edited copy of an
// existing one that virDomainSnapshotCreateXML(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE) takes to
// change its description or Ferry's consistency label (see snapshot.ts for the label).
//
// A new snapshot names every disk with what to do with it, instead of leaving libvirt to pick:
// the choice (internal or external, which disks) is the server's, made from the VM's disks and
// state, and an explicit document means libvirt either does exactly that or refuses.
// Redefinition edits the document libvirt gave (with VIR_DOMAIN_SNAPSHOT_XML_SECURE, so the
// embedded domain keeps its secrets) and leaves every other element as it was.
import { removeChildren, updateChild, upsertChild } from './domain-tree.ts';
import { isSnapshotLabel, SNAPSHOT_LABEL_NS, type SnapshotConsistencyLabel } from './snapshot.ts';
import { element, serializeXml, withElement, XmlBuildError } from './xml-build.ts';
import { parseXml, XmlParseError } from './xml.ts';

export interface SnapshotDiskSpec {
  target: string;
  snapshot: 'internal' | 'external' | 'no';
  /** External only: the overlay file to create (qcow2). */
  file?: string;
}

export interface SnapshotSpec {
  name: string;
  description?: string;
  /** 'internal': the running state goes into the first qcow2 disk; 'no': disks only. */
  memory: 'internal' | 'no';
  disks: readonly SnapshotDiskSpec[];
}

export function buildSnapshotXml(spec: SnapshotSpec): string {
  return serializeXml(element('domainsnapshot', {},
    element('name', {}, spec.name),
    spec.description ? element('description', {}, spec.description) : undefined,
    element('memory', { snapshot: spec.memory }),
    element('disks', {}, ...spec.disks.map((d) => {
      if (d.snapshot !== 'external') return element('disk', { name: d.target, snapshot: d.snapshot });
      if (!d.file) throw new XmlBuildError(`external snapshot of ${d.target} needs an overlay file`);
      return element('disk', { name: d.target, snapshot: 'external', type: 'file' },
        element('driver', { type: 'qcow2' }),
        element('source', { file: d.file }));
    })),
  ));
}

export interface SnapshotEdit {
  /** '' removes the description. */
  description?: string;
  consistency?: SnapshotConsistencyLabel;
}

/** The snapshot document with `change` applied, for a REDEFINE. */
export function editSnapshotXml(xml: string, change: SnapshotEdit): string {
  let root = parseXml(xml);
  if (root.name !== 'domainsnapshot') throw new XmlParseError(`expected <domainsnapshot>, found <${root.name}>`);
  const name = root.children.find((c) => c.name === 'name')?.text ?? '';
  if (change.description !== undefined) {
    root = upsertChild(root, 'description', change.description === '' ? undefined : element('description', {}, change.description), ['name']);
  }
  if (change.consistency !== undefined) {
    const label = element('ferry:snapshot', { 'xmlns:ferry': SNAPSHOT_LABEL_NS, name, consistency: change.consistency });
    root = updateChild(root, 'domain', (domain) => {
      if (!domain) throw new XmlParseError('the snapshot has no <domain> to label');
      return updateChild(domain, 'metadata', (metadata) => {
        // Older labels (inherited through a revert) go: one label, this snapshot's.
        const kept = metadata ? removeChildren(metadata, isSnapshotLabel) : element('metadata');
        return withElement(kept, { children: [...kept.children, label] });
      }, ['name', 'uuid', 'genid', 'title', 'description']);
    });
  }
  return serializeXml(root);
}
