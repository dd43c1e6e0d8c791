// The one place Ferry turns libvirt XML text into a tree.
//
// Model: libvirt XML is attribute-heavy, order-insensitive for what we read, and small. We parse
// it into a minimal element tree ({ name, attrs, children, text }) and let each typed parser
// (capabilities.ts, later domain.ts, …) walk that tree with the helpers below. Typed parsers never
// see fast-xml-parser's own output shape, so swapping the library touches only this file.
//
// Safety: the XML may come from a remote libvirtd we do not control, or echo user-supplied text.
// - Any DOCTYPE is refused before parsing: libvirt never emits one, and a DTD is the only way to
//   declare entities (billion-laughs, external entities). Without one, only the five XML
//   built-ins (&lt; &gt; &amp; &quot; &apos;) and numeric character references are decoded.
// - Input is capped (MAX_XML_CHARS by default) and nesting is bounded by the library (100).
// - Well-formedness is checked first (fast-xml-parser's parser alone is lenient).
// - Values stay strings: no number/boolean coercion ('7.10' must not become 7.1).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** 8 MiB of text: far above any capabilities, domain or domcapabilities document. */
export const MAX_XML_CHARS = 8 * 1024 * 1024;

export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
}

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated direct text content (CDATA included), trimmed. '' when none. */
  readonly text: string;
}

export interface ParseXmlOptions {
  /** Refuse documents longer than this many characters (default MAX_XML_CHARS). */
  maxChars?: number;
}

const ATTRS_KEY = ':@';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: CDATA_KEY,
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
  // Entities are decoded here, in one pass (decodeEntities), not by the library: its decoder
  // skips numeric references unless HTML entities are on, and decoding in two passes would turn
  // '&amp;#65;' into 'A'.
  processEntities: false,
  removeNSPrefix: false,
});

// '<!DOCTYPE' or '<!ENTITY' anywhere (case-insensitive, any whitespace after '<!').
const DTD_PATTERN = /<!\s*(doctype|entity)/i;

/** Parse an XML document into its root element. Throws XmlParseError on anything unsafe or malformed. */
export function parseXml(xml: string, options: ParseXmlOptions = {}): XmlElement {
  const maxChars = options.maxChars ?? MAX_XML_CHARS;
  if (typeof xml !== 'string') throw new XmlParseError('XML input must be a string');
  if (xml.length > maxChars) {
    throw new XmlParseError(`XML document is ${xml.length} characters; the limit is ${maxChars}`);
  }
  if (DTD_PATTERN.test(xml)) {
    throw new XmlParseError('XML with a DOCTYPE or entity declaration is refused');
  }
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlParseError(`malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    throw new XmlParseError(`malformed XML: ${(error as Error).message}`);
  }
  const roots = toElements(nodes);
  if (roots.length !== 1) throw new XmlParseError(`expected one root element, found ${roots.length}`);
  return roots[0]!;
}

type OrderedNode = Record<string, unknown>;

function toElements(nodes: unknown): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((k) => k !== ATTRS_KEY && k !== TEXT_KEY && k !== CDATA_KEY);
    if (name === undefined) continue;
    const rawChildren = node[name];
    const texts: string[] = [];
    if (Array.isArray(rawChildren)) {
      for (const child of rawChildren as OrderedNode[]) {
        if (TEXT_KEY in child) texts.push(decodeEntities(String(child[TEXT_KEY])));
        else if (CDATA_KEY in child) texts.push(cdataText(child[CDATA_KEY]));
      }
    }
    out.push({
      name,
      attrs: toAttrs(node[ATTRS_KEY]),
      children: toElements(rawChildren),
      text: texts.join('').trim(),
    });
  }
  return out;
}

const BUILTIN_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Decode the five XML built-ins and numeric character references; leave anything else as is. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return BUILTIN_ENTITIES.get(ref) ?? whole;
  });
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return String(value ?? '');
  return value.map((v) => String((v as OrderedNode)[TEXT_KEY] ?? '')).join('');
}

function toAttrs(raw: unknown): Record<string, string> {
  // A null-prototype object: an attribute named __proto__ or constructor stays plain data.
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) attrs[k] = decodeEntities(String(v));
  }
  return attrs;
}

/** The first direct child named `name`, if any. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All direct children named `name`. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The element at a path of direct-child names, e.g. path(root, 'host', 'cpu', 'model'). */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Text of the element at a child path, or undefined when absent or empty. */
export function textAt(el: XmlElement | undefined, ...names: string[]): string | undefined {
  const t = path(el, ...names)?.text;
  return t === undefined || t === '' ? undefined : t;
}

/** An attribute's value, or undefined. */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (!el || !Object.prototype.hasOwnProperty.call(el.attrs, name)) return undefined;
  return el.attrs[name];
}

/** Escape text for use in XML content or a quoted attribute value. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
