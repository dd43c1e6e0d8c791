import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addDomainDisk,
  addDomainNic,
  attr,
  child,
  children,
  findDeviceXml,
  parseDomain,
  parseXml,
  path,
  removeDomainDisk,
  removeDomainNic,
  serializeXml,
  updateDomainNic,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const bios = fixture('domain-bios-inactive.xml');
const live = fixture('domain-bios-live.xml');
const uefi = fixture('domain-uefi-secboot.xml');

/** Serialized devices other than those named, to prove an edit left them alone. */
const otherDevices = (xml: string, skip: (el: { name: string }) => boolean) =>
  (path(parseXml(xml), 'devices')?.children ?? []).filter((c) => !skip(c)).map((c) => serializeXml(c));

describe('addDomainDisk', () => {
  it('picks the first free target on the bus and returns the device XML for hot-plug', () => {
    const r = addDomainDisk(bios, { kind: 'disk', source: { file: '/var/lib/libvirt/images/extra.qcow2' }, format: 'qcow2', bus: 'virtio' });
    expect(r.target).toBe('vdc'); // vda and vdb are taken
    const dev = parseXml(r.deviceXml);
    expect(dev.name).toBe('disk');
    expect(attr(child(dev, 'target'), 'dev')).toBe('vdc');
    const d = parseDomain(r.xml);
    expect(d.disks.map((x) => x.target)).toEqual(['vda', 'vdb', 'sda', 'hdc', 'vdc']);
    expect(otherDevices(r.xml, (c) => c.name === 'disk')).toEqual(otherDevices(bios, (c) => c.name === 'disk'));
  });

  it('adds a virtio-scsi controller for the first SCSI disk only', () => {
    const r = addDomainDisk(bios, { kind: 'disk', source: { file: '/s.raw' }, format: 'raw', bus: 'scsi' });
    expect(r.target).toBe('sdb'); // sda is the SATA volume: sd is shared
    const scsi = children(path(parseXml(r.xml), 'devices'), 'controller').filter((c) => attr(c, 'type') === 'scsi');
    expect(scsi.map((c) => attr(c, 'model'))).toEqual(['virtio-scsi']);
    const again = addDomainDisk(uefi, { kind: 'disk', source: { file: '/s.raw' }, format: 'raw', bus: 'scsi' });
    expect(children(path(parseXml(again.xml), 'devices'), 'controller').filter((c) => attr(c, 'type') === 'scsi')).toHaveLength(1);
  });

  it('adds a cdrom with a boot order where the domain orders per device', () => {
    const r = addDomainDisk(uefi, { kind: 'cdrom', source: { file: '/x.iso' }, bus: 'sata', bootOrder: 4 });
    expect(r.target).toBe('sdc');
    expect(parseDomain(r.xml).boot.at(-1)).toEqual({ kind: 'device', key: 'disk:sdc', order: 4 });
  });

  it('refuses what libvirt would refuse', () => {
    const ide = { kind: 'cdrom', source: { file: '/x.iso' }, bus: 'ide' } as const;
    expect(() => addDomainDisk(uefi, ide)).toThrow(expect.objectContaining({ code: 'invalid' })); // q35
    const ordered = { kind: 'disk', source: { file: '/a' }, format: 'raw', bus: 'virtio', bootOrder: 1 } as const;
    expect(() => addDomainDisk(bios, ordered)).toThrow(expect.objectContaining({ code: 'conflict' })); // <os><boot dev>
    expect(() => addDomainDisk(uefi, ordered)).toThrow(expect.objectContaining({ code: 'conflict' })); // order 1 taken
  });
});

describe('removeDomainDisk', () => {
  it('removes exactly that disk', () => {
    const out = removeDomainDisk(bios, 'sda');
    expect(parseDomain(out).disks.map((x) => x.target)).toEqual(['vda', 'vdb', 'hdc']);
    expect(otherDevices(out, (c) => c.name === 'disk')).toEqual(otherDevices(bios, (c) => c.name === 'disk'));
  });

  it('says not-found for an unknown target', () => {
    expect(() => removeDomainDisk(bios, 'vdz')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});

describe('NICs', () => {
  it('adds one with a fresh MAC the domain does not use', () => {
    const r = addDomainNic(bios, { source: { network: 'default' } });
    expect(r.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    const d = parseDomain(r.xml);
    expect(d.nics.at(-1)).toMatchObject({ mac: r.mac, source: { network: 'default' }, model: 'virtio', type: 'network' });
    expect(parseXml(r.deviceXml).name).toBe('interface');
  });

  it('refuses a MAC already in use', () => {
    expect(() => addDomainNic(live, { source: { bridge: 'br0' }, mac: '52:54:00:AA:BB:02' })).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('updates source, model and link state, dropping runtime source attributes', () => {
    const r = updateDomainNic(live, '52:54:00:aa:bb:01', { source: { bridge: 'br1' }, model: 'e1000e', linkState: 'down' });
    const nic = parseDomain(r.xml).nics[0]!;
    expect(nic).toMatchObject({ type: 'bridge', source: { bridge: 'br1' }, model: 'e1000e', linkState: 'down', targetDev: 'vnet0' });
    const dev = parseXml(r.deviceXml);
    expect(child(dev, 'source')!.attrs).toEqual({ bridge: 'br1' }); // no portid, no network
    // The alias stays: UpdateDeviceFlags on a running domain finds the device by it.
    expect(attr(child(dev, 'alias'), 'name')).toBe('net0');
    expect(parseDomain(r.xml).nics[1]).toEqual(parseDomain(live).nics[1]);
  });

  it('writes link state up explicitly', () => {
    const r = updateDomainNic(live, '52:54:00:aa:bb:02', { linkState: 'up' });
    expect(attr(child(parseXml(r.deviceXml), 'link'), 'state')).toBe('up');
    expect(parseDomain(r.xml).nics[1]!.linkState).toBe('up');
  });

  it('removes by MAC, in any case', () => {
    const out = removeDomainNic(bios, '52:54:00:AA:BB:01');
    expect(parseDomain(out).nics).toEqual([]);
    expect(() => removeDomainNic(bios, '52:54:00:00:00:00')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});

describe('findDeviceXml', () => {
  it('returns the live device XML, alias included, for detach', () => {
    const disk = parseXml(findDeviceXml(live, 'disk:vda')!);
    expect(attr(child(disk, 'alias'), 'name')).toBe('virtio-disk0');
    expect(attr(child(disk, 'source'), 'file')).toBe('/tmp/ferry-test-xml/root.qcow2');
    const nic = parseXml(findDeviceXml(live, 'nic:52:54:00:AA:BB:02')!);
    expect(attr(child(nic, 'target'), 'dev')).toBe('vnet1');
    expect(findDeviceXml(live, 'disk:vdq')).toBeUndefined();
  });
});
