// Small, immutable edits on an XmlElement tree, shared by the domain edit, clone and metadata
// code. Every helper returns a new element and leaves every child it was not asked to touch as
// the very same object, which is what lets edits keep devices and settings Ferry does not model.
//
// Placement: libvirt's domain schema accepts most children of <domain>, <os> and a device in any
// order (they are <interleave>s), so placement only matters for readability and for devices of
// one kind, whose order is the guest's enumeration order. New children therefore go after the
// last sibling of a list of names given by the caller, or at the end.
import { withElement } from './xml-build.ts';
import type { XmlElement } from './xml.ts';

export type Attrs = Readonly<Record<string, string>>;

/** A copy of `el` with attributes changed: undefined removes one. Existing order is kept. */
export function setAttrs(el: XmlElement, change: Record<string, string | number | undefined>): XmlElement {
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (!(k in change)) attrs[k] = v;
    else if (change[k] !== undefined) attrs[k] = String(change[k]);
  }
  for (const [k, v] of Object.entries(change)) {
    if (v !== undefined && !(k in attrs)) attrs[k] = String(v);
  }
  return withElement(el, { attrs });
}

/** A copy of `el` whose children are `f(children)`. */
export function mapChildren(el: XmlElement, f: (children: readonly XmlElement[]) => XmlElement[]): XmlElement {
  return withElement(el, { children: f(el.children) });
}

/** Insert `add` after the last child named in `after` (or at the end when none is present). */
export function insertAfter(el: XmlElement, after: readonly string[], ...add: XmlElement[]): XmlElement {
  let at = -1;
  el.children.forEach((c, i) => {
    if (after.includes(c.name)) at = i;
  });
  const children = [...el.children];
  children.splice(at === -1 ? children.length : at + 1, 0, ...add);
  return withElement(el, { children });
}

/**
 * Replace the first child named `name` with `next` (removing it when `next` is undefined), or
 * insert `next` after the last child named in `after` when there is no such child. Later
 * duplicates of `name` are removed, so the result has at most one.
 */
export function upsertChild(
  el: XmlElement,
  name: string,
  next: XmlElement | undefined,
  after: readonly string[] = [],
): XmlElement {
  const index = el.children.findIndex((c) => c.name === name);
  if (index === -1) return next ? insertAfter(el, after, next) : el;
  const children: XmlElement[] = [];
  el.children.forEach((c, i) => {
    if (i === index) {
      if (next) children.push(next);
    } else if (c.name !== name) children.push(c);
  });
  return withElement(el, { children });
}

/** Apply `f` to the first child named `name` (or to undefined when absent) and upsert the result. */
export function updateChild(
  el: XmlElement,
  name: string,
  f: (current: XmlElement | undefined) => XmlElement | undefined,
  after: readonly string[] = [],
): XmlElement {
  return upsertChild(el, name, f(el.children.find((c) => c.name === name)), after);
}

/** Remove every child for which `drop` is true. */
export function removeChildren(el: XmlElement, drop: (c: XmlElement) => boolean): XmlElement {
  return el.children.some(drop) ? withElement(el, { children: el.children.filter((c) => !drop(c)) }) : el;
}
