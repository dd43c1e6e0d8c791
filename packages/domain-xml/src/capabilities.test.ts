import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  domainTypesFor,
  findGuest,
  hostVirtualizationFlags,
  parseCapabilities,
  parseXml,
  XmlParseError,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseCapabilities on this TCG-only host (kvm_pvm, captured with virsh capabilities)', () => {
  const caps = parseCapabilities(fixture('capabilities-tcg-host.xml'));

  it('reads the host identity and CPU', () => {
    expect(caps.hostUuid).toBe('7fec9f50-3493-4143-8bc0-fe7f6e7bb472');
    expect(caps.host.arch).toBe('x86_64');
    expect(caps.host.cpu).toMatchObject({ arch: 'x86_64', model: 'Cascadelake-Server-noTSX', vendor: 'Intel' });
    expect(caps.host.cpu.features).toContain('hypervisor');
    expect(caps.host.cpu.features).toHaveLength(23);
  });

  it('finds no vmx/svm: the CPU cannot do hardware virtualization', () => {
    expect(hostVirtualizationFlags(caps)).toEqual([]);
  });

  it('lists guests with arch, emulator, machines and domain types', () => {
    expect(caps.guests.map((g) => `${g.osType}/${g.arch}`)).toEqual(['hvm/i686', 'hvm/x86_64']);
    const x86 = findGuest(caps, 'x86_64')!;
    expect(x86.wordSize).toBe(64);
    expect(x86.emulator).toBe('/usr/bin/qemu-system-x86_64');
    expect(x86.machines).toHaveLength(60);
    expect(x86.machines).toContainEqual({ name: 'q35', canonical: 'pc-q35-7.2', maxCpus: 288, deprecated: false });
    expect(x86.machines).toContainEqual({ name: 'pc-i440fx-1.4', maxCpus: 255, deprecated: true });
    expect(x86.features).toEqual(['acpi', 'apic', 'cpuselection', 'deviceboot', 'disksnapshot']);
  });

  it('still lists a kvm domain type, because /dev/kvm (kvm_pvm) opens', () => {
    expect(domainTypesFor(caps, 'x86_64')).toEqual(['qemu', 'kvm']);
    expect(domainTypesFor(caps, 'aarch64')).toEqual([]);
  });
});

describe('parseCapabilities on a KVM host (hand-made variant)', () => {
  const caps = parseCapabilities(fixture('capabilities-kvm-host.xml'));

  it('sees vmx and the kvm domain type', () => {
    expect(caps.hostUuid).toBe('4c4c4544-0042-4b10-8056-b7c04f4e4d32');
    expect(hostVirtualizationFlags(caps)).toEqual(['vmx']);
    expect(caps.host.cpu.features).not.toContain('hypervisor');
    expect(domainTypesFor(caps, 'x86_64')).toContain('kvm');
  });
});

describe('parseCapabilities edge cases', () => {
  it('reads a per-domain-type emulator and machines (older libvirt layout) and an AMD CPU', () => {
    const caps = parseCapabilities(`<capabilities>
      <host><cpu><arch>x86_64</arch><vendor>AMD</vendor><feature name='svm'/></cpu></host>
      <guest><os_type>hvm</os_type><arch name='x86_64'>
        <emulator>/usr/bin/qemu-system-x86_64</emulator>
        <domain type='qemu'/>
        <domain type='kvm'><emulator>/usr/bin/kvm</emulator><machine>pc-q35-6.2</machine></domain>
      </arch></guest></capabilities>`);
    expect(caps.hostUuid).toBe('');
    expect(caps.host.cpu.model).toBeUndefined();
    expect(hostVirtualizationFlags(caps)).toEqual(['svm']);
    expect(findGuest(caps, 'x86_64')!.domainTypes).toEqual([
      { type: 'qemu', machines: [] },
      { type: 'kvm', emulator: '/usr/bin/kvm', machines: [{ name: 'pc-q35-6.2', deprecated: false }] },
    ]);
  });

  it('refuses XML that is not capabilities', () => {
    expect(() => parseCapabilities('<domain type="kvm"/>')).toThrow(/expected <capabilities>/);
  });
});

describe('parseXml safety', () => {
  it('decodes the XML built-ins and numeric references once, keeping values as strings', () => {
    const el = parseXml(`<a v='7.10' t='&lt;&amp;&gt;'>&amp;#65; &#65;&#x42; &quot;x&apos;<![CDATA[<raw>&amp;]]></a>`);
    expect(el.attrs).toEqual({ v: '7.10', t: '<&>' });
    expect(el.text).toBe(`&#65; AB "x'<raw>&amp;`);
  });

  it('leaves unknown entities undecoded and never reads Object.prototype', () => {
    expect(parseXml('<a>&constructor; &nbsp;</a>').text).toBe('&constructor; &nbsp;');
  });

  it('refuses any DOCTYPE or entity declaration (billion laughs, external entities)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>`;
    expect(() => parseXml(laughs)).toThrow(XmlParseError);
    expect(() => parseXml(`<!doctype a SYSTEM "file:///etc/passwd"><a/>`)).toThrow(/DOCTYPE/);
  });

  it('refuses oversized input before parsing it', () => {
    expect(() => parseXml(`<a>${'x'.repeat(100)}</a>`, { maxChars: 50 })).toThrow(/limit is 50/);
  });

  it('refuses malformed XML and prototype-polluting names', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/malformed XML at line 1/);
    expect(() => parseXml('<a/><b/>')).toThrow(XmlParseError);
    expect(() => parseXml(`<a __proto__='x'/>`)).toThrow(XmlParseError);
  });
});
