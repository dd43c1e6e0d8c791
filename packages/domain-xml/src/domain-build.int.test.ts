// What buildDomainXml, the edits and the clone helper produce is accepted by a real libvirtd,
// and libvirt then holds what was asked. Talks to qemu:///system through `virsh` only
// (domain-xml may not depend on the binding). Domains are named ferry-test-xml-int-… and are
// undefined in afterAll whatever happened. Disk images need not exist: defining a domain does
// not open them. One guest is started (TCG, no disks) to see firmware autoselection resolve.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addDomainDisk,
  addDomainNic,
  buildDomainXml,
  cloneDomainXml,
  parseDomain,
  setDomainBootOrder,
  setDomainCpu,
  setDomainDescription,
  setDomainMemory,
  setDomainTags,
  setDomainVcpus,
  updateDomainNic,
  type NewDomainSpec,
} from './index.ts';

const URI = 'qemu:///system';
const run = (id = randomBytes(3).toString('hex')) => `ferry-test-xml-int-${id}`;
const defined = new Set<string>();
const scratch = mkdtempSync(join(tmpdir(), 'ferry-test-xml-int-'));

function virsh(...args: string[]): string {
  return execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Define `xml` and return libvirt's inactive XML of it (with the VNC password). */
function define(name: string, xml: string): string {
  defined.add(name);
  const file = join(scratch, `${name}.xml`);
  writeFileSync(file, xml);
  virsh('define', file);
  return virsh('dumpxml', '--inactive', '--security-info', name);
}

afterAll(() => {
  for (const name of defined) {
    try {
      virsh('destroy', name);
    } catch {
      // not running
    }
    try {
      virsh('undefine', '--nvram', name);
    } catch {
      // never defined, or already gone
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

const disks: NewDomainSpec['disks'] = [
  { kind: 'disk', source: { file: '/var/lib/libvirt/images/ferry-test-xml-int-root.qcow2' }, format: 'qcow2', bus: 'virtio', cache: 'none', discard: 'unmap' },
  { kind: 'disk', source: { file: '/var/lib/libvirt/images/ferry-test-xml-int-data.raw' }, format: 'raw', bus: 'scsi' },
  { kind: 'cdrom', source: { file: '/var/lib/libvirt/images/ferry-test-xml-int.iso' }, bus: 'sata' },
];

describe('buildDomainXml on a real libvirtd', () => {
  it('defines a BIOS guest that libvirt holds as asked', () => {
    const name = run();
    const back = parseDomain(
      define(
        name,
        buildDomainXml({
          name,
          description: `built by the domain-xml integration test & "quoted"`,
          tags: ['int', 'a<b'],
          type: 'qemu',
          machine: 'pc',
          vcpus: { sockets: 1, cores: 2, threads: 2 },
          memoryMiB: 768,
          cpu: { mode: 'custom', model: 'qemu64' },
          firmware: { kind: 'bios' },
          disks,
          nics: [{ source: { network: 'default' }, mac: '52:54:00:fe:00:01' }, { source: { bridge: 'virbr0' }, model: 'e1000' }],
          vncPassword: 'pw123456',
        }),
      ),
    );
    expect(back).toMatchObject({
      name,
      type: 'qemu',
      arch: 'x86_64',
      memoryKiB: 768 * 1024,
      currentMemoryKiB: 768 * 1024,
      vcpus: { count: 4, current: 4, placement: 'static' },
      cpu: { mode: 'custom', model: 'qemu64', topology: { sockets: 1, dies: 1, cores: 2, threads: 2 } },
      firmware: { kind: 'bios' },
      boot: [{ kind: 'dev', dev: 'hd' }, { kind: 'dev', dev: 'cdrom' }],
      guestAgent: { configured: true },
      balloonModel: 'virtio',
      tags: ['int', 'a<b'],
      description: `built by the domain-xml integration test & "quoted"`,
      lifecycle: { onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' },
    });
    expect(back.machine).toMatch(/^pc-i440fx-/);
    expect(back.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(back.features).toEqual(expect.arrayContaining(['acpi', 'apic']));
    expect(back.disks.map((d) => [d.target, d.bus, d.device, d.format])).toEqual([
      ['vda', 'virtio', 'disk', 'qcow2'],
      ['sda', 'scsi', 'disk', 'raw'],
      ['sdb', 'sata', 'cdrom', 'raw'],
    ]);
    expect(back.nics.map((n) => [n.type, n.source, n.model])).toEqual([
      ['network', { network: 'default' }, 'virtio'],
      ['bridge', { bridge: 'virbr0' }, 'e1000'],
    ]);
    expect(back.nics[0]!.mac).toBe('52:54:00:fe:00:01');
    expect(back.graphics).toEqual([{ type: 'vnc', autoport: true, hasPassword: true, listenType: 'address', listen: '127.0.0.1' }]);
    expect(back.serials[0]).toMatchObject({ type: 'pty', port: 0 });
    expect(back.consoles[0]).toMatchObject({ type: 'pty', targetType: 'serial' });
  });

  it('defines UEFI Secure Boot on q35, and libvirt keeps the per-device boot order', () => {
    const name = run();
    const back = parseDomain(
      define(
        name,
        buildDomainXml({
          name,
          type: 'qemu',
          machine: 'q35',
          vcpus: { sockets: 2, cores: 1, threads: 1 },
          memoryMiB: 1024,
          cpu: { mode: 'host-model' },
          firmware: { kind: 'uefi', secureBoot: true },
          disks: disks.map((d, i) => ({ ...d, bootOrder: i === 2 ? 1 : i + 2 })),
          nics: [{ source: { network: 'default' }, bootOrder: 4 }],
        }),
      ),
    );
    expect(back.firmware).toEqual({ kind: 'uefi', secureBoot: true });
    expect(back.features).toEqual(expect.arrayContaining(['acpi', 'apic', 'smm']));
    expect(back.machine).toMatch(/^pc-q35-/);
    expect(back.cpu.mode).toBe('host-model');
    expect(back.boot.map((b) => (b.kind === 'device' ? b.key : b.dev))).toEqual(['disk:sdb', 'disk:vda', 'disk:sda', `nic:${back.nics[0]!.mac}`]);
  });

  it('starts a diskless UEFI Secure Boot guest under TCG: autoselection finds an SMM Secure Boot image', () => {
    const name = run();
    define(
      name,
      buildDomainXml({
        name,
        type: 'qemu',
        machine: 'q35',
        vcpus: { sockets: 1, cores: 1, threads: 1 },
        memoryMiB: 256,
        cpu: { mode: 'custom', model: 'qemu64' },
        firmware: { kind: 'uefi', secureBoot: true },
        disks: [],
        nics: [],
      }),
    );
    virsh('start', name);
    const live = parseDomain(virsh('dumpxml', name));
    virsh('destroy', name);
    expect(live.id).toBeGreaterThan(0);
    expect(live.firmware).toMatchObject({ kind: 'uefi', secureBoot: true });
    if (live.firmware.kind !== 'uefi') throw new Error('unreachable');
    expect(live.firmware.loader).toMatch(/OVMF|edk2/i);
    expect(live.firmware.nvram).toContain(name);
    expect(live.graphics[0]).toMatchObject({ type: 'vnc', listen: '127.0.0.1' });
    expect(live.graphics[0]!.port).toBeGreaterThanOrEqual(5900);
    expect(live.serials[0]!.ptyPath).toMatch(/^\/dev\/pts\//);
  });
});

describe('edits and clones on a real libvirtd', () => {
  it('are accepted when defined again, and libvirt holds the changes', () => {
    const name = run();
    const base = define(
      name,
      buildDomainXml({
        name,
        type: 'qemu',
        machine: 'pc',
        vcpus: { sockets: 1, cores: 1, threads: 1 },
        memoryMiB: 512,
        cpu: { mode: 'host-model' },
        firmware: { kind: 'bios' },
        disks: [disks[0]!],
        nics: [{ source: { network: 'default' } }],
      }),
    );
    const mac = parseDomain(base).nics[0]!.mac;
    let xml = setDomainVcpus(base, { sockets: 1, cores: 4, threads: 1, current: 2 });
    xml = setDomainMemory(xml, { memoryMiB: 1024, currentMemoryMiB: 768 });
    xml = setDomainCpu(xml, { mode: 'custom', model: 'qemu64' });
    xml = setDomainDescription(xml, 'edited');
    xml = setDomainTags(xml, ['edited']);
    const added = addDomainDisk(xml, { kind: 'cdrom', source: { file: '/var/lib/libvirt/images/x.iso' }, bus: 'sata' });
    xml = addDomainNic(added.xml, { source: { bridge: 'virbr0' }, model: 'e1000' }).xml;
    xml = updateDomainNic(xml, mac, { linkState: 'down' }).xml;
    xml = setDomainBootOrder(xml, [`disk:${added.target}`, 'disk:vda']);
    const back = parseDomain(define(name, xml));
    expect(back).toMatchObject({
      vcpus: { count: 4, current: 2 },
      memoryKiB: 1024 * 1024,
      currentMemoryKiB: 768 * 1024,
      cpu: { mode: 'custom', model: 'qemu64', topology: { sockets: 1, dies: 1, cores: 4, threads: 1 } },
      description: 'edited',
      tags: ['edited'],
      boot: [
        { kind: 'device', key: 'disk:sda', order: 1 },
        { kind: 'device', key: 'disk:vda', order: 2 },
      ],
    });
    expect(back.nics.map((n) => [n.mac === mac, n.linkState, n.model])).toEqual([
      [true, 'down', 'virtio'],
      [false, 'up', 'e1000'],
    ]);

    const cloneName = run();
    const clone = parseDomain(
      define(cloneName, cloneDomainXml(virsh('dumpxml', '--inactive', name), { name: cloneName, disks: new Map([[disks[0]!.source.file, '/var/lib/libvirt/images/ferry-test-xml-int-clone.qcow2']]) })),
    );
    expect(clone.uuid).not.toBe(back.uuid);
    expect(clone.nics.map((n) => n.mac)).not.toContain(mac);
    expect(clone.disks[0]!.source).toEqual({ file: '/var/lib/libvirt/images/ferry-test-xml-int-clone.qcow2' });
    expect(clone.tags).toEqual(['edited']);
  });
});
