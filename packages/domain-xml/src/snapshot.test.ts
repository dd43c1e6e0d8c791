// Snapshot documents, from `virsh snapshot-dumpxml` on this machine (libvirt 9.0, QEMU 7.2,
// the tiny guest): an internal disk-only snapshot of a shut-off VM, an internal full snapshot
// of the running VM (its child), and an external disk-only snapshot of a running VM whose
// parent is another external one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildSnapshotXml, domainSnapshotFacts, editSnapshotXml, parseSnapshot, parseXml, snapshotFiles, snapshotLocation,
  SNAPSHOT_LABEL_NS, XmlBuildError, XmlParseError,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSnapshot', () => {
  it('reads an internal disk-only snapshot of a shut-off VM', () => {
    const s = parseSnapshot(fixture('snapshot-disk-shutoff.xml'));
    expect(s).toMatchObject({
      name: 'offline1', description: 'before first boot', state: 'shutoff', creationTime: 1795707983, parent: null,
      memory: { snapshot: 'no' }, disks: [{ target: 'vda', snapshot: 'internal' }],
    });
    expect(snapshotLocation(s)).toBe('internal');
    expect(snapshotFiles(s)).toEqual([]);
    expect(s.domain?.disks[0]?.source).toEqual({ file: '/var/lib/libvirt/images/ferry-test-snap-fix.qcow2' });
    expect(s.consistency).toBeUndefined();
  });

  it('reads a full snapshot (memory inside the qcow2) with its parent', () => {
    const s = parseSnapshot(fixture('snapshot-full-running.xml'));
    expect(s).toMatchObject({ name: 'full1', state: 'running', parent: 'offline1', memory: { snapshot: 'internal' } });
    expect(snapshotLocation(s)).toBe('internal');
    expect(s.domain?.firmware.kind).toBe('bios');
  });

  it('reads an external snapshot: the overlay it created, and the file it froze', () => {
    const s = parseSnapshot(fixture('snapshot-disk-external.xml'));
    expect(s).toMatchObject({ name: 'ext2', state: 'disk-snapshot', parent: 'ext1', memory: { snapshot: 'no' } });
    expect(s.disks).toEqual([{ target: 'vda', snapshot: 'external', file: '/var/lib/libvirt/images/ferry-test-snap-fix-vda-ext2.qcow2' }]);
    expect(snapshotLocation(s)).toBe('external');
    expect(snapshotFiles(s)).toEqual(['/var/lib/libvirt/images/ferry-test-snap-fix-vda-ext2.qcow2']);
    expect(s.domain?.disks[0]?.source).toEqual({ file: '/var/lib/libvirt/images/ferry-test-snap-fix-vda-ext1.qcow2' });
  });

  it('refuses documents that are not snapshots', () => {
    expect(() => parseSnapshot('<domain><name>x</name></domain>')).toThrow(XmlParseError);
    expect(() => parseSnapshot('<domainsnapshot/>')).toThrow(/no <name>/);
    expect(() => parseSnapshot('<!DOCTYPE x [<!ENTITY a "b">]><domainsnapshot><name>&a;</name></domainsnapshot>')).toThrow(XmlParseError);
  });
});

describe('buildSnapshotXml', () => {
  it('names every disk with what to do, and round-trips through the parser', () => {
    const xml = buildSnapshotXml({
      name: 's1', description: 'before the upgrade', memory: 'no',
      disks: [{ target: 'vda', snapshot: 'external', file: '/images/vm-vda-s1.qcow2' }, { target: 'sda', snapshot: 'no' }],
    });
    const s = parseSnapshot(xml);
    expect(s).toMatchObject({ name: 's1', description: 'before the upgrade', memory: { snapshot: 'no' }, domain: null });
    expect(s.disks).toEqual([{ target: 'vda', snapshot: 'external', file: '/images/vm-vda-s1.qcow2' }, { target: 'sda', snapshot: 'no' }]);
    expect(xml).toContain("<driver type=\"qcow2\"/>");
  });

  it('escapes the description: markup stays data', () => {
    const evil = `x</description><memory snapshot='external' file='/etc/shadow'/><description>`;
    const xml = buildSnapshotXml({ name: 's1', description: evil, memory: 'internal', disks: [] });
    expect(parseXml(xml).children.map((c) => c.name)).toEqual(['name', 'description', 'memory', 'disks']);
    expect(parseSnapshot(xml)).toMatchObject({ description: evil, memory: { snapshot: 'internal' } });
  });

  it('refuses an external disk without an overlay file', () => {
    expect(() => buildSnapshotXml({ name: 's', memory: 'no', disks: [{ target: 'vda', snapshot: 'external' }] })).toThrow(XmlBuildError);
  });
});

describe('editSnapshotXml (for a REDEFINE)', () => {
  it('changes the description and keeps everything else', () => {
    const before = parseSnapshot(fixture('snapshot-full-running.xml'));
    const after = parseSnapshot(editSnapshotXml(fixture('snapshot-full-running.xml'), { description: 'new words' }));
    expect(after).toEqual({ ...before, description: 'new words' });
    const cleared = parseSnapshot(editSnapshotXml(fixture('snapshot-full-running.xml'), { description: '' }));
    expect(cleared.description).toBe('');
  });

  it('adds a description where there was none, after the name', () => {
    const xml = editSnapshotXml(fixture('snapshot-disk-external.xml'), { description: 'hello' });
    expect(parseXml(xml).children.slice(0, 2).map((c) => c.name)).toEqual(['name', 'description']);
  });

  it("labels the snapshot's consistency in the embedded domain, replacing an inherited label", () => {
    const once = editSnapshotXml(fixture('snapshot-disk-external.xml'), { consistency: 'quiesced' });
    expect(parseSnapshot(once).consistency).toBe('quiesced');
    expect(once).toContain(SNAPSHOT_LABEL_NS);
    const twice = editSnapshotXml(once, { consistency: 'crash-consistent' });
    expect(parseSnapshot(twice).consistency).toBe('crash-consistent');
    expect(twice.split(SNAPSHOT_LABEL_NS).length).toBe(2); // one label
    // A label naming another snapshot (copied into the VM by a revert) is not this one's.
    const inherited = twice.replace('<name>ext2</name>', '<name>ext3</name>');
    expect(parseSnapshot(inherited).consistency).toBeUndefined();
  });
});

describe('domainSnapshotFacts', () => {
  it('counts passed-through host devices', () => {
    expect(domainSnapshotFacts(fixture('domain-bios-live.xml')).hostdevs).toBe(0);
    const withHostdev = "<domain type='kvm'><name>x</name><devices><hostdev mode='subsystem' type='pci'/></devices></domain>";
    expect(domainSnapshotFacts(withHostdev).hostdevs).toBe(1);
  });
});
