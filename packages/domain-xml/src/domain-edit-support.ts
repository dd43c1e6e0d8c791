// What the domain edit functions share: the parse → change → serialize wrapper and lookups of
// devices by key in a parsed tree.
//
// Edit model: every edit is a pure function from domain XML text to domain XML text. It parses
// with the safe parser, changes only the elements it is about (the rest of the tree is carried
// over object for object), and serializes with the escaping serializer. Unknown elements,
// other tools' metadata and <qemu:commandline> blocks therefore survive; attribute quoting and
// indentation may change, which libvirt does not care about.
import { DomainXmlError } from './domain-error.ts';
import { normalizeMac } from './domain-devices.ts';
import type { DeviceKey } from './domain-types.ts';
import { serializeXml, withElement } from './xml-build.ts';
import { attr, child, parseXml, XmlParseError, type XmlElement } from './xml.ts';

/** Parse domain XML, refusing anything whose root is not <domain>. */
export function parseDomainRoot(xml: string): XmlElement {
  const root = parseXml(xml);
  if (root.name !== 'domain') throw new XmlParseError(`expected <domain>, found <${root.name}>`);
  return root;
}

/** Parse, apply `f`, serialize. */
export function editDomain(xml: string, f: (root: XmlElement) => XmlElement): string {
  return serializeXml(f(parseDomainRoot(xml)));
}

/** The device element a key names ('disk:vda' → <disk> with target dev vda), if present. */
export function deviceMatcher(key: DeviceKey): (el: XmlElement) => boolean {
  if (key.startsWith('disk:')) {
    const dev = key.slice('disk:'.length);
    return (el) => el.name === 'disk' && attr(child(el, 'target'), 'dev') === dev;
  }
  const mac = normalizeMac(key.slice('nic:'.length));
  return (el) => el.name === 'interface' && normalizeMac(attr(child(el, 'mac'), 'address') ?? '') === mac;
}

export function findDevice(root: XmlElement, key: DeviceKey): XmlElement | undefined {
  return child(root, 'devices')?.children.find(deviceMatcher(key));
}

export function requireDevice(root: XmlElement, key: DeviceKey): XmlElement {
  const el = findDevice(root, key);
  if (!el) throw new DomainXmlError('not-found', `the domain has no device ${key}`);
  return el;
}

/**
 * Where a child such as <boot> goes inside a device: before the runtime <alias>/<address>
 * (libvirt accepts any order; this keeps the XML reading like libvirt's own).
 */
export function insertBeforeAddress(el: XmlElement, add: XmlElement): XmlElement {
  const at = el.children.findIndex((c) => c.name === 'alias' || c.name === 'address');
  const children = [...el.children];
  children.splice(at === -1 ? children.length : at, 0, add);
  return withElement(el, { children });
}
