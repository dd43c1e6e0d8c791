import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainXmlError, XmlParseError, formatKiB, parseDomain, toKiB } from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseDomain on a running BIOS guest (virsh dumpxml, libvirt 9.0)', () => {
  const d = parseDomain(fixture('domain-bios-live.xml'));

  it('reads identity, type, machine and Ferry metadata', () => {
    expect(d).toMatchObject({
      uuid: '96bf7c1e-3f22-47f5-9c88-ce443e427651',
      name: 'ferry-test-xml-bios',
      id: 1,
      title: 'BIOS fixture',
      description: 'Fixture for Ferry: i440fx, BIOS, <boot dev> order & two NICs',
      type: 'qemu',
      arch: 'x86_64',
      machine: 'pc-i440fx-7.2',
      tags: ['web', 'prod & eu'],
      template: false,
    });
  });

  it('reads memory, vCPUs, CPU and firmware', () => {
    expect(d.memoryKiB).toBe(1024 * 1024);
    expect(d.currentMemoryKiB).toBe(1024 * 1024);
    expect(d.balloonModel).toBe('virtio');
    expect(d.vcpus).toEqual({ count: 4, current: 2, placement: 'static' });
    expect(d.cpu).toEqual({ mode: 'custom', model: 'qemu64', topology: { sockets: 1, dies: 1, cores: 2, threads: 2 } });
    expect(d.firmware).toEqual({ kind: 'bios' });
    expect(d.features).toEqual(['acpi', 'apic', 'pae']);
    expect(d.lifecycle).toEqual({ onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' });
  });

  it('reads the <os><boot dev> order', () => {
    expect(d.boot).toEqual([
      { kind: 'dev', dev: 'hd' },
      { kind: 'dev', dev: 'cdrom' },
      { kind: 'dev', dev: 'network' },
    ]);
  });

  it('reads file, volume and cdrom disks', () => {
    expect(d.disks).toEqual([
      {
        key: 'disk:vda', device: 'disk', type: 'file', target: 'vda', bus: 'virtio', readonly: false,
        source: { file: '/tmp/ferry-test-xml/root.qcow2' }, format: 'qcow2', cache: 'none', discard: 'unmap', serial: 'FERRY-ROOT-1',
      },
      {
        key: 'disk:sda', device: 'disk', type: 'volume', target: 'sda', bus: 'sata', readonly: false,
        source: { pool: 'default', volume: 'ferry-test-xml-vol.qcow2' }, format: 'qcow2',
      },
      {
        key: 'disk:hdc', device: 'cdrom', type: 'file', target: 'hdc', bus: 'ide', readonly: true,
        source: { file: '/tmp/ferry-test-xml/install.iso' }, format: 'raw',
      },
    ]);
  });

  it('reads NICs with their runtime tap devices and link state', () => {
    expect(d.nics).toEqual([
      { key: 'nic:52:54:00:aa:bb:01', type: 'network', mac: '52:54:00:aa:bb:01', linkState: 'up', source: { network: 'default' }, model: 'virtio', targetDev: 'vnet0' },
      { key: 'nic:52:54:00:aa:bb:02', type: 'bridge', mac: '52:54:00:aa:bb:02', linkState: 'down', source: { bridge: 'virbr0' }, model: 'e1000', targetDev: 'vnet1' },
    ]);
  });

  it('reads the VNC port autoport chose, serial pty and agent channel state', () => {
    expect(d.graphics).toEqual([{ type: 'vnc', autoport: true, hasPassword: false, port: 5900, listenType: 'address', listen: '127.0.0.1' }]);
    expect(d.serials).toEqual([{ type: 'pty', port: 0, targetType: 'isa-serial', ptyPath: '/dev/pts/0' }]);
    expect(d.consoles).toEqual([{ type: 'pty', targetType: 'serial', port: 0, ptyPath: '/dev/pts/0' }]);
    expect(d.guestAgent).toEqual({ configured: true, state: 'disconnected' });
  });
});

describe('parseDomain on a UEFI Secure Boot q35 definition (dumped with --security-info)', () => {
  const d = parseDomain(fixture('domain-uefi-secboot.xml'));

  it('detects firmware autoselection with Secure Boot', () => {
    expect(d.firmware).toEqual({ kind: 'uefi', secureBoot: true });
    expect(d.machine).toBe('pc-q35-7.2');
    expect(d.features).toEqual(['acpi', 'apic', 'smm']);
    expect(d.id).toBeUndefined();
  });

  it('reads per-device boot order, sorted', () => {
    expect(d.boot).toEqual([
      { kind: 'device', key: 'disk:sdb', order: 1 },
      { kind: 'device', key: 'disk:sda', order: 2 },
      { kind: 'device', key: 'nic:52:54:00:cc:dd:01', order: 3 },
    ]);
  });

  it('reads a host-model CPU, a block disk, a SCSI disk and the template flag', () => {
    expect(d.cpu).toEqual({ mode: 'host-model', topology: { sockets: 1, dies: 1, cores: 2, threads: 1 } });
    expect(d.vcpus).toEqual({ count: 2, current: 2, placement: 'static' });
    expect(d.memoryKiB).toBe(2 * 1024 * 1024);
    expect(d.disks.find((x) => x.target === 'vda')).toMatchObject({ type: 'block', source: { dev: '/dev/ferry-test-xml-lv' }, cache: 'directsync', format: 'raw' });
    expect(d.disks.find((x) => x.target === 'sda')).toMatchObject({ bus: 'scsi', bootOrder: 2, discard: 'unmap' });
    expect(d.template).toBe(true);
    expect(d.tags).toEqual([]);
    expect(d.balloonModel).toBe('none');
    expect(d.lifecycle.onCrash).toBe('restart');
  });

  it('says a password is set without exposing it', () => {
    expect(d.graphics).toEqual([{ type: 'vnc', autoport: false, hasPassword: true, port: 5907, listenType: 'address', listen: '127.0.0.1' }]);
    expect(JSON.stringify(d)).not.toContain('s3cret');
  });
});

describe('parseDomain on a domain defined elsewhere (virt-install style)', () => {
  const d = parseDomain(fixture('domain-unmodelled.xml'));

  it('detects UEFI from an explicit pflash loader with secure=yes', () => {
    expect(d.firmware).toEqual({
      kind: 'uefi',
      secureBoot: true,
      loader: '/usr/share/OVMF/OVMF_CODE_4M.ms.fd',
      nvram: '/var/lib/libvirt/qemu/nvram/ferry-test-xml-other_VARS.fd',
    });
  });

  it('reads memory that was given in G and M (binary units), host-passthrough and auto placement', () => {
    expect(d.memoryKiB).toBe(4 * 1024 * 1024);
    expect(d.currentMemoryKiB).toBe(3000 * 1024);
    expect(d.cpu).toEqual({ mode: 'host-passthrough', topology: { sockets: 2, dies: 1, cores: 1, threads: 2 } });
    expect(d.vcpus).toEqual({ count: 4, current: 4, placement: 'auto' });
  });

  it('leaves features switched off out, and finds no guest agent', () => {
    expect(d.features).toEqual(['acpi', 'apic', 'hyperv', 'smm']);
    expect(d.features).not.toContain('vmport');
    expect(d.guestAgent).toEqual({ configured: false });
    expect(d.channels).toEqual([{ type: 'spiceport', targetType: 'virtio', name: 'org.spice-space.webdav.0' }]);
  });

  it('reads an empty cdrom drive and SPICE graphics without a listen address', () => {
    expect(d.disks[1]).toEqual({ key: 'disk:sdb', device: 'cdrom', type: 'file', target: 'sdb', bus: 'sata', readonly: true, format: 'raw' });
    expect(d.graphics).toEqual([{ type: 'spice', autoport: false, hasPassword: false, listenType: 'none' }]);
    expect(d.lifecycle.onCrash).toBe('coredump-restart');
  });
});

describe('parseDomain on test:///default', () => {
  const d = parseDomain(fixture('domain-test-default.xml'));

  it('fills libvirt defaults for what the XML leaves out', () => {
    expect(d).toMatchObject({ name: 'test', type: 'test', arch: 'i686', machine: '', memoryKiB: 8 * 1024 * 1024, currentMemoryKiB: 2 * 1024 * 1024 });
    // No <cpu>: the hypervisor default, one socket per vCPU.
    expect(d.cpu).toEqual({ mode: 'default', topology: { sockets: 2, dies: 1, cores: 1, threads: 1 } });
    expect(d.boot).toEqual([{ kind: 'dev', dev: 'hd' }]);
    expect(d.nics[0]).toMatchObject({ mac: 'aa:bb:cc:dd:ee:ff', targetDev: 'testnet0', linkState: 'up' });
    expect(d.nics[0]!.model).toBeUndefined();
    expect(d.graphics).toEqual([]);
  });
});

describe('parseDomain edge cases', () => {
  const minimal = (inner: string) => `<domain type='kvm'><name>m</name>${inner}</domain>`;

  it('refuses XML that is not a domain', () => {
    expect(() => parseDomain('<network><name>x</name></network>')).toThrow(XmlParseError);
  });

  it('reads firmware=efi without Secure Boot, and firmware=bios despite a loader', () => {
    const efi = minimal(`<os firmware='efi'><type>hvm</type><firmware><feature enabled='no' name='secure-boot'/></firmware></os>`);
    expect(parseDomain(efi).firmware).toEqual({ kind: 'uefi', secureBoot: false });
    expect(parseDomain(minimal(`<os firmware='efi'><type>hvm</type></os>`)).firmware).toEqual({ kind: 'uefi', secureBoot: false });
    expect(parseDomain(minimal(`<os firmware='bios'><loader type='rom'>/x</loader><type>hvm</type></os>`)).firmware).toEqual({ kind: 'bios' });
  });

  it('defaults currentMemory to memory and reads a mixed-case unit', () => {
    const d = parseDomain(minimal(`<memory unit='mib'>512</memory>`));
    expect(d.memoryKiB).toBe(512 * 1024);
    expect(d.currentMemoryKiB).toBe(512 * 1024);
  });

  it('refuses a memory size libvirt would refuse', () => {
    expect(() => parseDomain(minimal(`<memory unit='parsecs'>1</memory>`))).toThrow(DomainXmlError);
    expect(() => parseDomain(minimal(`<memory>1.5</memory>`))).toThrow(DomainXmlError);
  });
});

describe('toKiB follows libvirt’s unit rules', () => {
  it.each([
    ['1024', undefined, 1024],
    ['1', 'KiB', 1],
    ['1', 'k', 1],
    ['1', 'MiB', 1024],
    ['1', 'M', 1024],
    ['1', 'm', 1024],
    ['2', 'GiB', 2 * 1024 * 1024],
    ['2', 'G', 2 * 1024 * 1024],
    ['1', 'TiB', 1024 ** 3],
    ['1', 'GB', 976563], // 10^9 bytes, rounded up to whole KiB
    ['1000', 'MB', 976563],
    ['1', 'KB', 1], // 1000 bytes → 1 KiB (rounded up)
    ['3', 'KB', 3], // 3000 bytes → 2.93 KiB → 3
    ['1048576', 'bytes', 1024],
    ['1500', 'b', 2],
    ['0', 'KiB', 0],
  ])('%s %s → %d KiB', (value, unit, kib) => {
    expect(toKiB(value, unit)).toBe(kib);
  });

  it('formats KiB for people', () => {
    expect(formatKiB(1024 * 1024)).toBe('1 GiB');
    expect(formatKiB(768 * 1024)).toBe('768 MiB');
    expect(formatKiB(1500)).toBe('1500 KiB');
  });
});
