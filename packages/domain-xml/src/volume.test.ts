import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildVolumeXml, parseStorageVolume, parseXml, XmlBuildError, XmlParseError } from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const DIR = '/tmp/ferry-fix-Lu75';

describe('parseStorageVolume (virsh vol-dumpxml on this machine)', () => {
  it('reads a qcow2 volume', () => {
    expect(parseStorageVolume(fixture('volume-qcow2.xml'))).toEqual({
      type: 'file', name: 'disk.qcow2', key: `${DIR}/disk.qcow2`, path: `${DIR}/disk.qcow2`, format: 'qcow2',
      capacityBytes: 1073741824, allocationBytes: 200704,
    });
  });

  it('reads a raw volume and an ISO', () => {
    expect(parseStorageVolume(fixture('volume-raw.xml'))).toMatchObject({ name: 'disk.raw', format: 'raw', capacityBytes: 67108864, allocationBytes: 67108864 });
    expect(parseStorageVolume(fixture('volume-iso.xml'))).toMatchObject({ name: 'install.iso', format: 'iso', capacityBytes: 16230400 });
  });

  it('reports the backing store of an overlay, and none otherwise', () => {
    const overlay = parseStorageVolume(fixture('volume-qcow2-backing.xml'));
    expect(overlay.backingStore).toEqual({ path: `${DIR}/disk.qcow2`, format: 'qcow2' });
    // The backing store's own <path> and <format> must not be mistaken for the volume's.
    expect(overlay).toMatchObject({ path: `${DIR}/overlay.qcow2`, format: 'qcow2', capacityBytes: 2147483648 });
    expect(parseStorageVolume(fixture('volume-qcow2.xml')).backingStore).toBeUndefined();
  });

  it('refuses documents that are not volumes', () => {
    expect(() => parseStorageVolume(fixture('pool-dir.xml'))).toThrow(XmlParseError);
  });
});

describe('buildVolumeXml', () => {
  it('states capacity and allocation in bytes, thin by default, and round-trips', () => {
    const xml = buildVolumeXml({ name: 'vm1-disk0.qcow2', capacityBytes: 10 * 2 ** 30, format: 'qcow2' });
    expect(xml).toContain('<capacity unit="bytes">10737418240</capacity>');
    expect(parseStorageVolume(xml)).toEqual({ name: 'vm1-disk0.qcow2', format: 'qcow2', capacityBytes: 10 * 2 ** 30, allocationBytes: 0 });
  });

  it('refuses sizes that are not whole byte counts', () => {
    for (const capacityBytes of [1.5, -1, 1e21, Number.NaN]) {
      expect(() => buildVolumeXml({ name: 'v', capacityBytes, format: 'raw' })).toThrow(XmlBuildError);
    }
  });

  it('escapes the name', () => {
    const evil = `v'"<>&</name><backingStore><path>/etc/shadow</path></backingStore><name>`;
    const xml = buildVolumeXml({ name: evil, capacityBytes: 1, format: 'raw' });
    expect(parseXml(xml).children.map((c) => c.name)).toEqual(['name', 'capacity', 'allocation', 'target']);
    expect(parseStorageVolume(xml)).toMatchObject({ name: evil });
    expect(parseStorageVolume(xml).backingStore).toBeUndefined();
  });
});
