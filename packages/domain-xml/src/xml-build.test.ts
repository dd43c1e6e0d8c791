import { describe, expect, it } from 'vitest';
import { element, serializeXml, XmlBuildError } from './xml-build.ts';
import { parseXml } from './xml.ts';

describe('serializeXml', () => {
  it('escapes text and attribute values so injected markup stays data', () => {
    const evil = `x"/><qemu:commandline><qemu:arg value='-x'/></qemu:commandline><y a="`;
    const xml = serializeXml(element('domain', { type: 'qemu' }, element('name', {}, evil), element('description', { note: evil }, evil)));
    const back = parseXml(xml);
    expect(back.children.map((c) => c.name)).toEqual(['name', 'description']);
    expect(back.children[0]!.text).toBe(evil);
    expect(back.children[1]!.attrs.note).toBe(evil);
  });

  it('round-trips a parsed tree, keeping elements it does not know', () => {
    const src = `<domain type="kvm"><name>a</name><devices><disk type="file" device="disk"><source file="/x &amp; y.qcow2"/></disk><tpm model="tpm-crb"/></devices></domain>`;
    const once = serializeXml(parseXml(src));
    expect(serializeXml(parseXml(once))).toBe(once);
    expect(once).toContain('<tpm model="tpm-crb"/>');
    expect(parseXml(once).children[1]!.children[0]!.children[0]!.attrs.file).toBe('/x & y.qcow2');
  });

  it('keeps newlines and tabs in values exact', () => {
    const text = 'line one\n\tline two';
    expect(parseXml(serializeXml(element('d', { a: text }, text))).attrs.a).toBe(text);
  });

  it('drops absent attributes and writes true as yes', () => {
    expect(serializeXml(element('acpi', { a: undefined, b: false, c: true, d: 0 }), { indent: 0 })).toBe('<acpi c="yes" d="0"/>');
  });

  it('refuses bad names and characters XML cannot carry', () => {
    expect(() => serializeXml(element('a b'))).toThrow(XmlBuildError);
    expect(() => serializeXml(element('a', { 'x"y': '1' }))).toThrow(XmlBuildError);
    expect(() => serializeXml(element('a', {}, 'nul\u0000'))).toThrow(XmlBuildError);
  });
});
