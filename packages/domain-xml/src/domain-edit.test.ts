import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DomainXmlError,
  addDomainDisk,
  addDomainNic,
  attr,
  child,
  children,
  parseDomain,
  parseXml,
  removeDomainDisk,
  removeDomainNic,
  serializeXml,
  setDomainBootOrder,
  setDomainCpu,
  setDomainDescription,
  setDomainMemory,
  setDomainTags,
  setDomainTemplate,
  setDomainTitle,
  setDomainVcpus,
  updateDomainNic,
  type XmlElement,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const other = fixture('domain-unmodelled.xml');
const bios = fixture('domain-bios-inactive.xml');
const uefi = fixture('domain-uefi-secboot.xml');

// Everything in the virt-install-style fixture that Ferry does not model, serialized: an edit
// must hand each of these back unchanged.
const UNMODELLED_TOP = ['numatune', 'clock', 'pm', 'qemu:commandline', 'features'];
const UNMODELLED_OS = ['loader', 'nvram', 'bootmenu'];
const UNMODELLED_DEVICES = ['emulator', 'controller', 'serial', 'console', 'channel', 'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'redirdev', 'watchdog', 'memballoon', 'rng'];

function unmodelled(xml: string): string[] {
  const root = parseXml(xml);
  const pick = (el: XmlElement | undefined, names: string[]) => (el?.children ?? []).filter((c) => names.includes(c.name)).map((c) => serializeXml(c));
  const meta = (child(root, 'metadata')?.children ?? []).filter((c) => c.name.startsWith('libosinfo:')).map((c) => serializeXml(c));
  return [JSON.stringify(root.attrs), ...pick(root, UNMODELLED_TOP), ...pick(child(root, 'os'), UNMODELLED_OS), ...pick(child(root, 'devices'), UNMODELLED_DEVICES), ...meta];
}

describe('every edit keeps what Ferry does not model', () => {
  const before = unmodelled(other);
  const edits: Array<[string, (xml: string) => string]> = [
    ['vcpus', (x) => setDomainVcpus(x, { sockets: 1, cores: 4, threads: 2 })],
    ['memory', (x) => setDomainMemory(x, { memoryMiB: 8192 })],
    ['cpu', (x) => setDomainCpu(x, { mode: 'custom', model: 'Skylake-Client' })],
    ['description', (x) => setDomainDescription(x, 'new')],
    ['title', (x) => setDomainTitle(x, 'Win 11')],
    ['tags', (x) => setDomainTags(x, ['a'])],
    ['template', (x) => setDomainTemplate(x, true)],
    ['boot order', (x) => setDomainBootOrder(x, ['nic:52:54:00:12:34:56', 'disk:sda'])],
    ['add disk', (x) => addDomainDisk(x, { kind: 'disk', source: { file: '/d.qcow2' }, format: 'qcow2', bus: 'virtio' }).xml],
    ['remove disk', (x) => removeDomainDisk(x, 'sdb')],
    ['add nic', (x) => addDomainNic(x, { source: { bridge: 'br0' } }).xml],
    ['update nic', (x) => updateDomainNic(x, '52:54:00:12:34:56', { linkState: 'down', model: 'virtio' }).xml],
    ['remove nic', (x) => removeDomainNic(x, '52:54:00:12:34:56')],
  ];
  it.each(edits)('%s', (_name, edit) => {
    const out = edit(other);
    expect(unmodelled(out)).toEqual(before);
    expect(out).toContain(`<qemu:arg value="device.sata0-0-0.rotation_rate=1"/>`);
  });

  it('and setting the same thing twice changes nothing more (stable round trip)', () => {
    for (const [, edit] of edits.filter(([name]) => !/^(add|remove)/.test(name))) {
      const once = edit(other);
      expect(serializeXml(parseXml(once))).toBe(once);
      expect(parseDomain(edit(once))).toEqual(parseDomain(once));
    }
  });
});

describe('setDomainVcpus', () => {
  it('sets count and topology, keeping <vcpu current>', () => {
    const out = parseDomain(setDomainVcpus(bios, { sockets: 2, cores: 2, threads: 2 }));
    expect(out.vcpus).toEqual({ count: 8, current: 3, placement: 'static' });
    expect(out.cpu).toEqual({ mode: 'custom', model: 'qemu64', topology: { sockets: 2, dies: 1, cores: 2, threads: 2 } });
  });

  it('lowers current when the count drops below it, or sets it when asked', () => {
    expect(parseDomain(setDomainVcpus(bios, { sockets: 1, cores: 2, threads: 1 })).vcpus).toEqual({ count: 2, current: 2, placement: 'static' });
    expect(parseDomain(setDomainVcpus(bios, { sockets: 1, cores: 4, threads: 1, current: 1 })).vcpus.current).toBe(1);
    expect(() => setDomainVcpus(bios, { sockets: 1, cores: 2, threads: 1, current: 3 })).toThrow(DomainXmlError);
  });

  it('adds a topology-only <cpu> where there was none, and drops a stale <vcpus> list', () => {
    const test = fixture('domain-test-default.xml');
    const out = setDomainVcpus(test, { sockets: 1, cores: 4, threads: 1 });
    expect(parseDomain(out).cpu).toEqual({ mode: 'custom', topology: { sockets: 1, dies: 1, cores: 4, threads: 1 } });
    const withList = bios.replace('</devices>', '</devices><vcpus><vcpu id="0" enabled="yes"/></vcpus>');
    expect(setDomainVcpus(withList, { sockets: 1, cores: 8, threads: 1 })).not.toContain('<vcpus>');
  });
});

describe('setDomainMemory', () => {
  it('writes memory and currentMemory in KiB', () => {
    const out = setDomainMemory(other, { memoryMiB: 6144, currentMemoryMiB: 4096 });
    expect(parseDomain(out)).toMatchObject({ memoryKiB: 6144 * 1024, currentMemoryKiB: 4096 * 1024 });
    expect(attr(child(parseXml(out), 'memory'), 'unit')).toBe('KiB');
    expect(parseDomain(setDomainMemory(other, { memoryMiB: 512 })).currentMemoryKiB).toBe(512 * 1024);
  });

  it('refuses current above total', () => {
    expect(() => setDomainMemory(bios, { memoryMiB: 512, currentMemoryMiB: 1024 })).toThrow(DomainXmlError);
  });
});

describe('setDomainCpu', () => {
  it('switches custom → host-passthrough, keeping topology and dropping model features', () => {
    const live = fixture('domain-bios-live.xml'); // has <feature policy='require'> entries
    const out = setDomainCpu(live, { mode: 'host-passthrough' });
    const cpu = child(parseXml(out), 'cpu')!;
    expect(cpu.attrs).toEqual({ mode: 'host-passthrough' });
    expect(cpu.children.map((c) => c.name)).toEqual(['topology']);
    expect(parseDomain(out).cpu.topology).toEqual({ sockets: 1, dies: 1, cores: 2, threads: 2 });
  });

  it('sets a custom model, and leaves an unchanged CPU alone', () => {
    expect(parseDomain(setDomainCpu(uefi, { mode: 'custom', model: 'Haswell' })).cpu).toEqual({
      mode: 'custom',
      model: 'Haswell',
      topology: { sockets: 1, dies: 1, cores: 2, threads: 1 },
    });
    expect(setDomainCpu(uefi, { mode: 'host-model' })).toBe(serializeXml(parseXml(uefi)));
  });
});

describe('description and title', () => {
  it('sets, changes and removes them', () => {
    const out = setDomainDescription(bios, 'two\nlines & <more>');
    expect(parseDomain(out).description).toBe('two\nlines & <more>');
    expect(parseDomain(setDomainDescription(out, '')).description).toBe('');
    expect(parseDomain(setDomainTitle(other, 'Windows')).title).toBe('Windows');
    expect(() => setDomainTitle(other, 'a\nb')).toThrow(DomainXmlError);
  });

  it('keeps injected markup as text', () => {
    const evil = `</description><devices><hostdev/></devices><description>'"&<>`;
    const out = setDomainDescription(bios, evil);
    expect(parseDomain(out).description).toBe(evil);
    expect(out).not.toContain('<hostdev');
    expect(children(parseXml(out), 'devices')).toHaveLength(1);
    const tagged = setDomainTags(setDomainTitle(bios, evil), [evil, `</ferry:tag></ferry:tags><ferry:template/>`]);
    expect(parseDomain(tagged)).toMatchObject({ title: evil, tags: [evil, `</ferry:tag></ferry:tags><ferry:template/>`], template: false });
    expect(tagged).not.toContain('<hostdev');
    expect(children(parseXml(tagged), 'devices')).toHaveLength(1);
  });
});

describe('setDomainBootOrder', () => {
  it('replaces <os><boot dev> with per-device order', () => {
    const out = setDomainBootOrder(bios, ['disk:hdc', 'disk:vda', 'nic:52:54:00:AA:BB:01']);
    expect(children(child(parseXml(out), 'os'), 'boot')).toEqual([]);
    expect(parseDomain(out).boot).toEqual([
      { kind: 'device', key: 'disk:hdc', order: 1 },
      { kind: 'device', key: 'disk:vda', order: 2 },
      { kind: 'device', key: 'nic:52:54:00:aa:bb:01', order: 3 },
    ]);
  });

  it('renumbers, removing entries of devices left out', () => {
    const d = parseDomain(setDomainBootOrder(uefi, ['disk:vda', 'disk:sda']));
    expect(d.boot).toEqual([
      { kind: 'device', key: 'disk:vda', order: 1 },
      { kind: 'device', key: 'disk:sda', order: 2 },
    ]);
    expect(d.disks.find((x) => x.target === 'sdb')!.bootOrder).toBeUndefined();
    expect(d.nics[0]!.bootOrder).toBeUndefined();
  });

  it('refuses unknown and repeated devices', () => {
    expect(() => setDomainBootOrder(bios, ['disk:vdz'])).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => setDomainBootOrder(bios, ['disk:vda', 'disk:vda'])).toThrow(expect.objectContaining({ code: 'invalid' }));
  });
});
