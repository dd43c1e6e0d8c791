import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDirPoolXml, parseStoragePool, parseXml, XmlParseError } from './index.ts';
import { parseScaledSize } from './volume-size.ts';
import { element } from './xml-build.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseStoragePool (virsh pool-dumpxml of a running dir pool on this machine)', () => {
  it('reads type, identity, target path and sizes', () => {
    expect(parseStoragePool(fixture('pool-dir.xml'))).toEqual({
      type: 'dir',
      name: 'ferry-fix-pool',
      uuid: '870158ce-de3e-48ff-b1be-71f7c0eedddf',
      path: '/tmp/ferry-fix-Lu75',
      capacityBytes: 270553174016,
      allocationBytes: 25078255616,
      availableBytes: 245474918400,
    });
  });

  it('refuses documents that are not pools', () => {
    expect(() => parseStoragePool('<volume><name>x</name></volume>')).toThrow(XmlParseError);
    expect(() => parseStoragePool("<pool type='dir'/>")).toThrow(/no <name>/);
  });
});

describe('buildDirPoolXml', () => {
  it('round-trips through the parser', () => {
    const xml = buildDirPoolXml({ name: 'images2', path: '/srv/images 2' });
    expect(parseStoragePool(xml)).toEqual({ type: 'dir', name: 'images2', uuid: '', path: '/srv/images 2' });
  });

  it("escapes names and paths: '\"<>& stay data, never markup", () => {
    const evil = `p'"<>&</name><source><host name='evil'/></source><name>x`;
    const xml = buildDirPoolXml({ name: evil, path: `/srv/${evil}` });
    const root = parseXml(xml);
    expect(root.children.map((c) => c.name)).toEqual(['name', 'target']);
    expect(parseStoragePool(xml)).toMatchObject({ name: evil, path: `/srv/${evil}` });
  });
});

describe('parseScaledSize', () => {
  const size = (text: string, unit?: string) => parseScaledSize(element('capacity', { unit }, text));
  it('reads libvirt units: binary, decimal, any case, bytes by default', () => {
    expect(size('42')).toBe(42);
    expect(size('42', 'bytes')).toBe(42);
    expect(size('2', 'KiB')).toBe(2048);
    expect(size('2', 'k')).toBe(2048);
    expect(size('2', 'KB')).toBe(2000);
    expect(size('3', 'GiB')).toBe(3 * 2 ** 30);
    expect(size('1', 'T')).toBe(2 ** 40);
  });
  it('gives nothing for what it cannot read exactly', () => {
    expect(size('-1')).toBeUndefined();
    expect(size('1.5', 'GiB')).toBeUndefined();
    expect(size('1', 'parsecs')).toBeUndefined();
    expect(size('99999999', 'EiB')).toBeUndefined(); // past 2^53
    expect(parseScaledSize(undefined)).toBeUndefined();
  });
});
