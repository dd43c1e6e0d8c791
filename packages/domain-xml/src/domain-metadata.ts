// Ferry's own per-VM data (tags, template flag), kept inside the domain XML so the VM definition
// stays the single truth (no second copy in Ferry's database):
//
//   <metadata>
//     <ferry:vm xmlns:ferry="https://ferry.dev/xmlns/vm/1">
//       <ferry:tags><ferry:tag>web</ferry:tag></ferry:tags>
//       <ferry:template/>
//     </ferry:vm>
//   </metadata>
//
// libvirt keeps any element in a foreign namespace under <metadata> verbatim, one element per
// namespace URI; other tools' elements (libosinfo, virt-manager) live beside ours and are never
// touched. We find our element by its namespace URI, not its prefix: virDomainSetMetadata lets
// the caller choose the prefix ("key"), so another client may have written `<f:vm xmlns:f=…>`.
// Only a declaration on the element itself is looked at, which is where libvirt writes it.
import { DomainXmlError } from './domain-error.ts';
import { mapChildren, removeChildren, updateChild } from './domain-tree.ts';
import { element, serializeXml } from './xml-build.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** Namespace URI of Ferry's metadata element (the `uri` argument of virDomainSetMetadata). */
export const FERRY_METADATA_NS = 'https://ferry.dev/xmlns/vm/1';
/** Prefix Ferry writes (the `key` argument of virDomainSetMetadata). */
export const FERRY_METADATA_PREFIX = 'ferry';

export interface FerryMetadata {
  tags: string[];
  template: boolean;
}

/** Prefix ('' for a default namespace) under which `el` is in Ferry's namespace, or undefined. */
function ferryPrefix(el: XmlElement): string | undefined {
  const colon = el.name.indexOf(':');
  const prefix = colon === -1 ? '' : el.name.slice(0, colon);
  const local = colon === -1 ? el.name : el.name.slice(colon + 1);
  const decl = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  return local === 'vm' && el.attrs[decl] === FERRY_METADATA_NS ? prefix : undefined;
}

const qualified = (prefix: string, local: string): string => (prefix === '' ? local : `${prefix}:${local}`);

/** Read tags and the template flag from a ferry:vm element. */
function readVm(vm: XmlElement | undefined): FerryMetadata {
  const prefix = vm ? (ferryPrefix(vm) ?? FERRY_METADATA_PREFIX) : FERRY_METADATA_PREFIX;
  const tagsEl = vm?.children.find((c) => c.name === qualified(prefix, 'tags'));
  return {
    tags: (tagsEl?.children ?? []).filter((c) => c.name === qualified(prefix, 'tag') && c.text !== '').map((c) => c.text),
    template: vm?.children.some((c) => c.name === qualified(prefix, 'template')) ?? false,
  };
}

function findVm(domain: XmlElement): XmlElement | undefined {
  const metadata = domain.children.find((c) => c.name === 'metadata');
  return metadata?.children.find((c) => ferryPrefix(c) !== undefined);
}

/** Ferry's metadata in a parsed <domain>; empty tags and false when the VM has none. */
export function readFerryMetadata(domain: XmlElement): FerryMetadata {
  return readVm(findVm(domain));
}

/** Distinct tags in first-seen order. */
function distinct(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

/** A ferry:vm element holding `meta`, keeping any children of `base` Ferry does not know yet. */
function buildVm(meta: FerryMetadata, base?: XmlElement): XmlElement | undefined {
  const prefix = base ? (ferryPrefix(base) ?? FERRY_METADATA_PREFIX) : FERRY_METADATA_PREFIX;
  const q = (local: string) => qualified(prefix, local);
  const kept = (base?.children ?? []).filter((c) => c.name !== q('tags') && c.name !== q('template'));
  const tags = distinct(meta.tags);
  const children = [
    ...(tags.length > 0 ? [element(q('tags'), {}, ...tags.map((t) => element(q('tag'), {}, t)))] : []),
    ...(meta.template ? [element(q('template'))] : []),
    ...kept,
  ];
  if (children.length === 0) return undefined;
  const decl = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  return element(base?.name ?? q('vm'), { ...(base?.attrs ?? {}), [decl]: FERRY_METADATA_NS }, ...children);
}

// Where a new <metadata> goes among <domain>'s children (any place is valid; this is libvirt's).
const METADATA_AFTER = ['name', 'uuid', 'genid', 'title', 'description'];

/**
 * A copy of `domain` with Ferry's metadata changed. Fields left out of `change` keep their
 * value; other namespaces' metadata stays as it was. An emptied ferry:vm (and then an emptied
 * <metadata>) is removed rather than left behind.
 */
export function withFerryMetadata(domain: XmlElement, change: Partial<FerryMetadata>): XmlElement {
  const current = findVm(domain);
  const next = buildVm({ ...readVm(current), ...change }, current);
  return updateChild(
    domain,
    'metadata',
    (metadata) => {
      const base = metadata ?? element('metadata');
      const updated = current
        ? next
          ? mapChildren(base, (cs) => cs.map((c) => (c === current ? next : c)))
          : removeChildren(base, (c) => c === current)
        : next
          ? mapChildren(base, (cs) => [...cs, next])
          : base;
      return updated.children.length > 0 ? updated : undefined;
    },
    METADATA_AFTER,
  );
}

// virDomainSetMetadata / virDomainGetMetadata (VIR_DOMAIN_METADATA_ELEMENT) speak the element
// *without* its namespace: Set takes `<vm><tags>…</tags></vm>` and puts it in the namespace of
// its `uri`/`key` arguments (FERRY_METADATA_NS, FERRY_METADATA_PREFIX); Get strips it again.
// (Checked against libvirt 9.0 with `virsh metadata`.)

/** Ferry's metadata as virDomainSetMetadata(VIR_DOMAIN_METADATA_ELEMENT, …, FERRY_METADATA_PREFIX, FERRY_METADATA_NS) takes it. */
export function buildFerryMetadataXml(meta: FerryMetadata): string {
  const tags = distinct(meta.tags);
  return serializeXml(
    element(
      'vm',
      {},
      tags.length > 0 && element('tags', {}, ...tags.map((t) => element('tag', {}, t))),
      meta.template && element('template'),
    ),
  );
}

/** Parse what virDomainGetMetadata(VIR_DOMAIN_METADATA_ELEMENT, FERRY_METADATA_NS) returns. */
export function parseFerryMetadataXml(xml: string): FerryMetadata {
  const vm = parseXml(xml);
  if (vm.name === 'vm' && vm.attrs.xmlns === undefined) {
    // The stripped form: read it as if it had a default namespace declaration.
    return readVm({ ...vm, attrs: { xmlns: FERRY_METADATA_NS } });
  }
  if (ferryPrefix(vm) === undefined) {
    throw new DomainXmlError('invalid', `expected Ferry's vm metadata element, found <${vm.name}>`);
  }
  return readVm(vm);
}
