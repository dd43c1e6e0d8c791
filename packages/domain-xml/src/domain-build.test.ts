import { describe, expect, it } from 'vitest';
import {
  DomainXmlError,
  attr,
  buildDiskDeviceXml,
  buildDomainXml,
  buildInterfaceDeviceXml,
  child,
  children,
  nextDiskTarget,
  parseDomain,
  parseXml,
  path,
  randomMac,
  type NewDomainSpec,
  type XmlElement,
} from './index.ts';

const base: NewDomainSpec = {
  name: 'web-1',
  type: 'qemu',
  machine: 'pc',
  vcpus: { sockets: 1, cores: 2, threads: 1 },
  memoryMiB: 1024,
  cpu: { mode: 'host-model' },
  firmware: { kind: 'bios' },
  disks: [],
  nics: [],
};

/** Every element name in a tree, depth first. */
function names(el: XmlElement): string[] {
  return [el.name, ...el.children.flatMap(names)];
}

describe('buildDomainXml', () => {
  it('builds a BIOS guest that parses back to what was asked', () => {
    const xml = buildDomainXml({
      ...base,
      uuid: '11111111-2222-3333-4444-555555555555',
      description: 'first web server',
      tags: ['web'],
      disks: [
        { kind: 'disk', source: { file: '/var/lib/libvirt/images/web-1.qcow2' }, format: 'qcow2', bus: 'virtio', cache: 'none', discard: 'unmap' },
        { kind: 'disk', source: { file: '/data/web-1-data.raw' }, format: 'raw', bus: 'virtio' },
        { kind: 'cdrom', source: { file: '/isos/debian.iso' }, bus: 'ide' },
      ],
      nics: [{ source: { network: 'default' }, mac: '52:54:00:00:00:01' }, { source: { bridge: 'br0' }, model: 'e1000' }],
      vncPassword: 'abcd1234',
    });
    const d = parseDomain(xml);
    expect(d).toMatchObject({
      name: 'web-1',
      uuid: '11111111-2222-3333-4444-555555555555',
      description: 'first web server',
      type: 'qemu',
      arch: 'x86_64',
      machine: 'pc',
      memoryKiB: 1024 * 1024,
      currentMemoryKiB: 1024 * 1024,
      vcpus: { count: 2, current: 2, placement: 'static' },
      cpu: { mode: 'host-model', topology: { sockets: 1, dies: 1, cores: 2, threads: 1 } },
      firmware: { kind: 'bios' },
      features: ['acpi', 'apic'],
      boot: [{ kind: 'dev', dev: 'hd' }, { kind: 'dev', dev: 'cdrom' }],
      guestAgent: { configured: true },
      balloonModel: 'virtio',
      lifecycle: { onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' },
      tags: ['web'],
      template: false,
    });
    expect(d.disks.map((x) => [x.target, x.bus, x.device, x.format, x.readonly])).toEqual([
      ['vda', 'virtio', 'disk', 'qcow2', false],
      ['vdb', 'virtio', 'disk', 'raw', false],
      ['hda', 'ide', 'cdrom', 'raw', true],
    ]);
    expect(d.disks[0]).toMatchObject({ cache: 'none', discard: 'unmap', source: { file: '/var/lib/libvirt/images/web-1.qcow2' } });
    expect(d.nics[0]).toMatchObject({ type: 'network', source: { network: 'default' }, mac: '52:54:00:00:00:01', model: 'virtio' });
    expect(d.nics[1]).toMatchObject({ type: 'bridge', source: { bridge: 'br0' }, model: 'e1000' });
    expect(d.nics[1]!.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(d.graphics).toEqual([{ type: 'vnc', autoport: true, hasPassword: true, listenType: 'address', listen: '127.0.0.1' }]);
    expect(d.serials).toEqual([{ type: 'pty', port: 0 }]);
    expect(d.consoles).toEqual([{ type: 'pty', targetType: 'serial', port: 0 }]);
    expect(textOf(xml, 'clock')).toEqual({ offset: 'utc' });
  });

  it('builds UEFI Secure Boot with firmware autoselection and SMM', () => {
    const xml = buildDomainXml({ ...base, machine: 'q35', firmware: { kind: 'uefi', secureBoot: true } });
    const os = child(parseXml(xml), 'os')!;
    expect(attr(os, 'firmware')).toBe('efi');
    expect(children(child(os, 'firmware'), 'feature').map((f) => [attr(f, 'name'), attr(f, 'enabled')])).toEqual([
      ['enrolled-keys', 'yes'],
      ['secure-boot', 'yes'],
    ]);
    const d = parseDomain(xml);
    expect(d.firmware).toEqual({ kind: 'uefi', secureBoot: true });
    expect(d.features).toEqual(['acpi', 'apic', 'smm']);
  });

  it('pins Secure Boot off for plain UEFI', () => {
    const d = parseDomain(buildDomainXml({ ...base, firmware: { kind: 'uefi', secureBoot: false } }));
    expect(d.firmware).toEqual({ kind: 'uefi', secureBoot: false });
    expect(d.features).not.toContain('smm');
  });

  it('uses per-device boot order when any device has one, and never both forms', () => {
    const d = parseDomain(
      buildDomainXml({
        ...base,
        machine: 'q35',
        disks: [
          { kind: 'disk', source: { file: '/a.qcow2' }, format: 'qcow2', bus: 'sata', bootOrder: 2 },
          { kind: 'cdrom', source: { file: '/b.iso' }, bus: 'sata', bootOrder: 1 },
          { kind: 'disk', source: { file: '/c.qcow2' }, format: 'qcow2', bus: 'scsi' },
        ],
        nics: [{ source: { network: 'default' }, mac: '52:54:00:00:00:09', bootOrder: 3 }],
      }),
    );
    expect(d.boot).toEqual([
      { kind: 'device', key: 'disk:sdb', order: 1 },
      { kind: 'device', key: 'disk:sda', order: 2 },
      { kind: 'device', key: 'nic:52:54:00:00:00:09', order: 3 },
    ]);
    // SATA and SCSI share the sd namespace.
    expect(d.disks.map((x) => x.target)).toEqual(['sda', 'sdb', 'sdc']);
  });

  it('adds a virtio-scsi controller for SCSI disks, a tablet and VGA video', () => {
    const xml = buildDomainXml({ ...base, disks: [{ kind: 'disk', source: { file: '/a' }, format: 'raw', bus: 'scsi' }] });
    const devices = path(parseXml(xml), 'devices')!;
    expect(children(devices, 'controller').map((c) => c.attrs)).toEqual([{ type: 'scsi', index: '0', model: 'virtio-scsi' }]);
    expect(children(devices, 'input').map((c) => c.attrs)).toEqual([{ type: 'tablet', bus: 'usb' }]);
    expect(attr(path(devices, 'video', 'model'), 'type')).toBe('vga');
    expect(attr(path(devices, 'memballoon', 'stats'), 'period')).toBe('10'); // guest memory use for the stats sampler
  });

  it('writes a custom CPU model and the topology', () => {
    const d = parseDomain(buildDomainXml({ ...base, cpu: { mode: 'custom', model: 'Skylake-Client' }, vcpus: { sockets: 2, cores: 2, threads: 2 } }));
    expect(d.cpu).toEqual({ mode: 'custom', model: 'Skylake-Client', topology: { sockets: 2, dies: 1, cores: 2, threads: 2 } });
    expect(d.vcpus.count).toBe(8);
  });

  it('emits nothing that reaches the host: no hostdev, no qemu namespace, no emulator, loopback VNC only', () => {
    const xml = buildDomainXml({ ...base, disks: [{ kind: 'disk', source: { file: '/a' }, format: 'raw', bus: 'virtio' }], nics: [{ source: { network: 'n' } }] });
    const all = names(parseXml(xml));
    for (const banned of ['hostdev', 'qemu:commandline', 'emulator', 'filesystem', 'smartcard', 'redirdev']) expect(all).not.toContain(banned);
    expect(xml).not.toContain('xmlns:qemu');
    expect(attr(path(parseXml(xml), 'devices', 'graphics', 'listen'), 'address')).toBe('127.0.0.1');
  });

  it.each([
    ['Secure Boot on pc', { firmware: { kind: 'uefi', secureBoot: true } }],
    ['IDE on q35', { machine: 'q35', disks: [{ kind: 'cdrom', source: { file: '/x.iso' }, bus: 'ide' }] }],
    ['a long VNC password', { vncPassword: '123456789' }],
    ['zero vCPUs', { vcpus: { sockets: 0, cores: 1, threads: 1 } }],
    ['fractional memory', { memoryMiB: 1.5 }],
    ['duplicate boot orders', { disks: [{ kind: 'disk', source: { file: '/a' }, format: 'raw', bus: 'virtio', bootOrder: 1 }], nics: [{ source: { network: 'n' }, bootOrder: 1 }] }],
    ['a multicast MAC', { nics: [{ source: { network: 'n' }, mac: '01:00:5e:00:00:01' }] }],
    ['five IDE disks', { disks: Array.from({ length: 5 }, () => ({ kind: 'cdrom', source: { file: '/x.iso' }, bus: 'ide' })) }],
  ] as Array<[string, Partial<NewDomainSpec>]>)('refuses %s', (_what, change) => {
    expect(() => buildDomainXml({ ...base, ...change })).toThrow(DomainXmlError);
  });
});

describe('buildDomainXml keeps hostile text as data', () => {
  const evil = `</name><devices><hostdev mode='subsystem' type='pci'/></devices><name>'"&<>`;

  it('in the name, description, title and tags', () => {
    const xml = buildDomainXml({ ...base, name: evil, description: evil, title: evil.replace(/\n/g, ''), tags: [evil, 'ok'] });
    const root = parseXml(xml);
    expect(names(root)).not.toContain('hostdev');
    expect(children(root, 'name')).toHaveLength(1);
    expect(children(root, 'devices')).toHaveLength(1);
    const d = parseDomain(xml);
    expect(d.name).toBe(evil);
    expect(d.description).toBe(evil);
    expect(d.title).toBe(evil);
    expect(d.tags).toEqual([evil, 'ok']);
  });

  it('in disk paths, network names and the VNC password', () => {
    const path1 = `/x'/><hostdev/><source file='/etc/shadow`;
    const xml = buildDomainXml({
      ...base,
      disks: [{ kind: 'disk', source: { file: path1 }, format: 'raw', bus: 'virtio' }],
      nics: [{ source: { network: `n'/><hostdev/>` }, model: `virtio'/><hostdev/>` }],
      vncPassword: `a'"<>&b`,
    });
    expect(names(parseXml(xml))).not.toContain('hostdev');
    const d = parseDomain(xml);
    expect(d.disks[0]!.source).toEqual({ file: path1 });
    expect(d.nics[0]).toMatchObject({ source: { network: `n'/><hostdev/>` }, model: `virtio'/><hostdev/>` });
    expect(attr(path(parseXml(xml), 'devices', 'graphics'), 'passwd')).toBe(`a'"<>&b`);
  });
});

describe('device builders', () => {
  it('name disk targets per bus, skipping used ones, past z', () => {
    expect(nextDiskTarget('virtio', [])).toBe('vda');
    expect(nextDiskTarget('virtio', ['vda', 'vdc'])).toBe('vdb');
    expect(nextDiskTarget('sata', ['sda', 'vdb'])).toBe('sdb');
    expect(nextDiskTarget('scsi', ['sda', 'sdb'])).toBe('sdc');
    expect(nextDiskTarget('ide', ['hda'])).toBe('hdb');
    const az = Array.from({ length: 26 }, (_, i) => `vd${String.fromCharCode(97 + i)}`);
    expect(nextDiskTarget('virtio', az)).toBe('vdaa');
    expect(nextDiskTarget('virtio', [...az, 'vdaa'])).toBe('vdab');
    expect(() => nextDiskTarget('ide', ['hda', 'hdb', 'hdc', 'hdd'])).toThrow(DomainXmlError);
  });

  it('build <disk> and <interface> XML for attach', () => {
    const disk = parseXml(buildDiskDeviceXml({ kind: 'disk', source: { file: '/d.qcow2' }, format: 'qcow2', bus: 'virtio', target: 'vdb', cache: 'writeback' }));
    expect(disk.name).toBe('disk');
    expect(attr(child(disk, 'driver'), 'cache')).toBe('writeback');
    expect(attr(child(disk, 'target'), 'dev')).toBe('vdb');
    const cd = parseXml(buildDiskDeviceXml({ kind: 'cdrom', source: { file: '/x.iso' }, bus: 'sata', target: 'sdc' }));
    expect(attr(cd, 'device')).toBe('cdrom');
    expect(child(cd, 'readonly')).toBeDefined();
    const nic = parseXml(buildInterfaceDeviceXml({ source: { bridge: 'br0' }, mac: '52:54:00:AB:CD:EF' }));
    expect(nic.attrs).toEqual({ type: 'bridge' });
    expect(attr(child(nic, 'mac'), 'address')).toBe('52:54:00:ab:cd:ef');
    expect(attr(child(nic, 'model'), 'type')).toBe('virtio');
  });

  it('random MACs are in 52:54:00, unicast and different', () => {
    const macs = new Set(Array.from({ length: 200 }, randomMac));
    expect(macs.size).toBeGreaterThan(195);
    for (const m of macs) expect(m).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });
});

function textOf(xml: string, name: string): Record<string, string> | undefined {
  return child(parseXml(xml), name)?.attrs;
}
