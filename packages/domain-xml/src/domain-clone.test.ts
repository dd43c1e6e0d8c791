import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainXmlError, attr, child, cloneDomainXml, parseDomain, parseXml, path, serializeXml, setDomainTemplate } from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('cloneDomainXml', () => {
  const src = fixture('domain-bios-inactive.xml');
  const disks = new Map([
    ['/tmp/ferry-test-xml/root.qcow2', '/var/lib/libvirt/images/clone-root.qcow2'],
    ['/tmp/ferry-test-xml/data.raw', '/var/lib/libvirt/images/clone-data.raw'],
    ['default/ferry-test-xml-vol.qcow2', '/var/lib/libvirt/images/clone-vol.qcow2'],
  ]);

  it('renames, drops the UUID, remaps disks and keeps the rest', () => {
    const before = parseDomain(src);
    const out = cloneDomainXml(src, { name: 'web-2', disks });
    const d = parseDomain(out);
    expect(d.name).toBe('web-2');
    expect(d.uuid).toBe('');
    expect(d.disks.map((x) => [x.target, x.type, x.source])).toEqual([
      ['vda', 'file', { file: '/var/lib/libvirt/images/clone-root.qcow2' }],
      ['vdb', 'file', { file: '/var/lib/libvirt/images/clone-data.raw' }],
      ['sda', 'file', { file: '/var/lib/libvirt/images/clone-vol.qcow2' }], // was a pool volume
      ['hdc', 'file', { file: '/tmp/ferry-test-xml/install.iso' }], // read-only ISO is shared
    ]);
    expect(d.disks[0]).toMatchObject({ format: 'qcow2', cache: 'none', discard: 'unmap', serial: 'FERRY-ROOT-1' });
    expect({ ...d, name: '', uuid: '', disks: [], nics: [] }).toEqual({ ...before, name: '', uuid: '', disks: [], nics: [] });
  });

  it('gives every NIC a fresh MAC and keeps the rest of the NIC', () => {
    const d = parseDomain(cloneDomainXml(fixture('domain-bios-live.xml'), { name: 'c', disks }));
    expect(d.nics).toHaveLength(2);
    for (const nic of d.nics) {
      expect(nic.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
      expect(['52:54:00:aa:bb:01', '52:54:00:aa:bb:02']).not.toContain(nic.mac);
      expect(nic.targetDev).toBeUndefined(); // the source's tap device
    }
    expect(d.nics.map((n) => [n.source, n.model, n.linkState])).toEqual([
      [{ network: 'default' }, 'virtio', 'up'],
      [{ bridge: 'virbr0' }, 'e1000', 'down'],
    ]);
    expect(d.id).toBeUndefined();
  });

  it('sets a given UUID, resets a fixed VNC port, clears the template flag', () => {
    const tpl = fixture('domain-uefi-secboot.xml');
    const out = cloneDomainXml(tpl, {
      name: 'from-template',
      uuid: '22222222-3333-4444-5555-666666666666',
      disks: new Map([['/tmp/ferry-test-xml/uefi.qcow2', '/new.qcow2'], ['/dev/ferry-test-xml-lv', '/new-lv.raw']]),
    });
    const d = parseDomain(out);
    expect(d.uuid).toBe('22222222-3333-4444-5555-666666666666');
    expect(d.template).toBe(false);
    expect(d.graphics[0]).toMatchObject({ autoport: true, listen: '127.0.0.1' });
    expect(d.graphics[0]!.port).toBeUndefined();
    expect(d.firmware).toEqual({ kind: 'uefi', secureBoot: true });
    expect(d.disks.find((x) => x.target === 'vda')).toMatchObject({ type: 'file', source: { file: '/new-lv.raw' }, cache: 'directsync' });
    expect(parseDomain(setDomainTemplate(tpl, false)).template).toBe(false);
  });

  it('keeps the NVRAM template but drops the path, so libvirt makes a new store', () => {
    const other = fixture('domain-unmodelled.xml');
    const out = cloneDomainXml(other, { name: 'w2', disks: new Map([['/var/lib/libvirt/images/win11.qcow2', '/w2.qcow2']]) });
    const nvram = path(parseXml(out), 'os', 'nvram')!;
    expect(nvram.text).toBe('');
    expect(attr(nvram, 'template')).toBe('/usr/share/OVMF/OVMF_VARS_4M.ms.fd');
    expect(parseDomain(out).firmware).toEqual({ kind: 'uefi', secureBoot: true, loader: '/usr/share/OVMF/OVMF_CODE_4M.ms.fd' });
    // Unmodelled parts come along.
    expect(serializeXml(child(parseXml(out), 'qemu:commandline')!)).toBe(serializeXml(child(parseXml(other), 'qemu:commandline')!));
    const noTemplate = other.replace(/<nvram template='[^']*'>/, '<nvram>');
    expect(path(parseXml(cloneDomainXml(noTemplate, { name: 'w3', disks: new Map([['/var/lib/libvirt/images/win11.qcow2', '/w3.qcow2']]) })), 'os', 'nvram')).toBeUndefined();
  });

  it('removes an SMBIOS UUID that would contradict the new one', () => {
    const withSys = fixture('domain-test-default.xml').replace(
      '<os>',
      '<sysinfo type="smbios"><system><entry name="uuid">6695eb01-f6a4-8304-79aa-97f2502e193f</entry><entry name="serial">X1</entry></system></sysinfo><os>',
    );
    const out = cloneDomainXml(withSys, { name: 't2', disks: new Map([['/guest/diskimage1', '/t2']]) });
    expect(out).not.toContain('6695eb01');
    expect(out).toContain('<entry name="serial">X1</entry>');
  });

  it('refuses to share a writable disk the map forgot', () => {
    expect(() => cloneDomainXml(src, { name: 'x', disks: new Map() })).toThrow(DomainXmlError);
  });

  it('keeps a hostile new name as text', () => {
    const evil = `x</name><devices><hostdev/></devices><name>'"&`;
    const out = cloneDomainXml(src, { name: evil, disks });
    expect(parseDomain(out).name).toBe(evil);
    expect(out).not.toContain('<hostdev');
  });
});
