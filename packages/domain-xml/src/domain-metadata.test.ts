import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FERRY_METADATA_NS,
  FERRY_METADATA_PREFIX,
  buildFerryMetadataXml,
  child,
  parseDomain,
  parseFerryMetadataXml,
  parseXml,
  serializeXml,
  setDomainTags,
  setDomainTemplate,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const libosinfo = (xml: string) => {
  const el = child(parseXml(xml), 'metadata')?.children.find((c) => c.name === 'libosinfo:libosinfo');
  return el && serializeXml(el);
};

describe('Ferry metadata in domain XML', () => {
  it('exports the namespace and prefix libvirt stores it under', () => {
    expect(FERRY_METADATA_NS).toBe('https://ferry.dev/xmlns/vm/1');
    expect(FERRY_METADATA_PREFIX).toBe('ferry');
  });

  it('adds tags next to libosinfo metadata, leaving that untouched', () => {
    const src = fixture('domain-unmodelled.xml');
    const out = setDomainTags(src, ['win', 'lab']);
    expect(parseDomain(out).tags).toEqual(['win', 'lab']);
    expect(libosinfo(out)).toBe(libosinfo(src));
    expect(libosinfo(out)).toContain('http://microsoft.com/win/11');
    expect(out).toContain(`<ferry:vm xmlns:ferry="${FERRY_METADATA_NS}">`);
  });

  it('sets and clears the template flag without losing tags', () => {
    const bios = fixture('domain-bios-inactive.xml');
    const tpl = setDomainTemplate(bios, true);
    expect(parseDomain(tpl)).toMatchObject({ template: true, tags: ['web', 'prod & eu'] });
    const back = setDomainTemplate(tpl, false);
    expect(parseDomain(back)).toMatchObject({ template: false, tags: ['web', 'prod & eu'] });
  });

  it('removes the emptied element, and an emptied <metadata>', () => {
    const uefi = fixture('domain-uefi-secboot.xml'); // template, no tags, plus libosinfo
    const notTpl = setDomainTemplate(uefi, false);
    expect(notTpl).not.toContain('ferry:vm');
    expect(libosinfo(notTpl)).toBe(libosinfo(uefi));
    const bios = setDomainTags(fixture('domain-bios-inactive.xml'), []);
    expect(child(parseXml(bios), 'metadata')).toBeUndefined();
  });

  it('drops duplicate tags and keeps their order', () => {
    expect(parseDomain(setDomainTags(fixture('domain-test-default.xml'), ['b', 'a', 'b'])).tags).toEqual(['b', 'a']);
  });

  it('finds the element by namespace URI whatever its prefix, and keeps unknown children', () => {
    const xml = `<domain type='kvm'><name>x</name><metadata>
      <f:vm xmlns:f="${FERRY_METADATA_NS}"><f:tags><f:tag>a</f:tag></f:tags><f:future note="1"/></f:vm>
      <ferry:vm xmlns:ferry="https://example.com/not-ferry"><ferry:template/></ferry:vm>
    </metadata></domain>`;
    const d = parseDomain(xml);
    expect(d).toMatchObject({ tags: ['a'], template: false });
    const out = setDomainTemplate(xml, true);
    expect(parseDomain(out)).toMatchObject({ tags: ['a'], template: true });
    expect(out).toContain('<f:future note="1"/>');
    expect(out).toContain('xmlns:ferry="https://example.com/not-ferry"');
  });

  it('builds and reads the namespace-less form virDomainSetMetadata / GetMetadata use', () => {
    const xml = buildFerryMetadataXml({ tags: ['x</tag><y>', 'a&b'], template: true });
    expect(parseXml(xml).name).toBe('vm');
    expect(parseFerryMetadataXml(xml)).toEqual({ tags: ['x</tag><y>', 'a&b'], template: true });
    // Exactly what `virsh metadata <dom> <uri>` printed from libvirt 9.0.
    expect(parseFerryMetadataXml('<vm>\n  <tags>\n    <tag>a</tag>\n  </tags>\n  <template/>\n</vm>')).toEqual({ tags: ['a'], template: true });
    expect(parseFerryMetadataXml(buildFerryMetadataXml({ tags: [], template: false }))).toEqual({ tags: [], template: false });
  });
});
