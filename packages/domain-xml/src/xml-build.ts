// The one place Ferry turns an element tree back into libvirt XML text.
//
// Every document Ferry sends to libvirt is built as a tree of XmlElement values (the same shape
// parseXml returns) and serialized here, so escaping happens by construction: text and
// attribute values are always escaped, names are checked against XML's name rule, and
// characters XML 1.0 cannot carry (NUL and most C0 controls) are refused instead of passed
// through. A tree that came from parseXml serializes back with every element it had, which is
// how edits keep devices Ferry does not model.
import { escapeXml, type XmlElement } from './xml.ts';

export class XmlBuildError extends Error {
  override readonly name = 'XmlBuildError';
}

/** Content accepted by `element`: child elements, text, or nothing (skipped). */
export type XmlContent = XmlElement | string | undefined | null | false;
/** Attribute values: undefined/null/false drop the attribute; true becomes 'yes'. */
export type XmlAttrValue = string | number | boolean | undefined | null;

// XML names: a letter, '_' or ':' first, then letters, digits, '.', '-', '_', ':'. ASCII only —
// libvirt's schemas use nothing else, and this keeps the check trivially auditable.
const NAME = /^[A-Za-z_:][A-Za-z0-9._:-]*$/;
// Characters XML 1.0 forbids outright (tab, newline and carriage return are allowed).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Build an element. Strings in `content` become its text; elements become its children. */
export function element(name: string, attrs: Record<string, XmlAttrValue> = {}, ...content: XmlContent[]): XmlElement {
  const outAttrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    outAttrs[k] = v === true ? 'yes' : String(v);
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const c of content) {
    if (c === undefined || c === null || c === false) continue;
    if (typeof c === 'string') text += c;
    else children.push(c);
  }
  return { name, attrs: outAttrs, children, text };
}

/** A copy of `el` with some fields replaced (the tree is immutable). */
export function withElement(el: XmlElement, change: Partial<XmlElement>): XmlElement {
  return { name: el.name, attrs: el.attrs, children: el.children, text: el.text, ...change };
}

export interface SerializeOptions {
  /** Spaces per nesting level (default 2); 0 writes everything on one line. */
  indent?: number;
}

/** Serialize a tree to XML text. Throws XmlBuildError on a bad name or a forbidden character. */
export function serializeXml(root: XmlElement, options: SerializeOptions = {}): string {
  const indent = options.indent ?? 2;
  const out: string[] = [];
  write(root, 0, indent, out);
  return out.join(indent > 0 ? '\n' : '') + (indent > 0 ? '\n' : '');
}

function write(el: XmlElement, depth: number, indent: number, out: string[]): void {
  checkName(el.name);
  const pad = ' '.repeat(depth * indent);
  let open = `<${el.name}`;
  for (const [k, v] of Object.entries(el.attrs)) {
    checkName(k);
    open += ` ${k}="${escapeValue(v)}"`;
  }
  if (el.children.length === 0 && el.text === '') {
    out.push(`${pad}${open}/>`);
    return;
  }
  if (el.children.length === 0) {
    out.push(`${pad}${open}>${escapeValue(el.text)}</${el.name}>`);
    return;
  }
  out.push(`${pad}${open}>${el.text === '' ? '' : escapeValue(el.text)}`);
  for (const c of el.children) write(c, depth + 1, indent, out);
  out.push(`${pad}</${el.name}>`);
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new XmlBuildError(`invalid XML name ${JSON.stringify(name)}`);
}

function escapeValue(value: string): string {
  if (FORBIDDEN.test(value)) throw new XmlBuildError('text contains a character XML cannot carry');
  // Newlines and tabs inside attribute values would be normalised to spaces by any parser;
  // escaping them keeps values such as descriptions exact.
  return escapeXml(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
