// The tree the API shows: order, depth, children, current marker, and what each snapshot says
// about itself (kind, location, consistency, size, revertible).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editSnapshotXml, parseSnapshot, type SnapshotXml } from '@ferry/domain-xml';
import { toSnapshotTree } from './snapshot.mapper.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../../../packages/domain-xml/src/fixtures/${name}`, import.meta.url), 'utf8');
const offline = parseSnapshot(fixture('snapshot-disk-shutoff.xml'));
const full = parseSnapshot(fixture('snapshot-full-running.xml'));
const at = (s: SnapshotXml, name: string, parent: string | null, creationTime: number): SnapshotXml => ({ ...s, name, parent, creationTime });
const ctx = { current: 'full1', libVersion: 9_000_000, currentDisks: full.domain!.disks, sizes: new Map<string, number | null>() };

describe('toSnapshotTree', () => {
  it('lists depth first, siblings oldest first, with children and the current marker', () => {
    const all = [at(full, 'z-old', 'offline1', 10), at(full, 'a-new', 'offline1', 20), at(full, 'leaf', 'a-new', 30), offline, full];
    const tree = toSnapshotTree(new Map(all.map((s) => [s.name, s])), ctx);
    expect(tree.map((s) => `${'  '.repeat(s.depth)}${s.name}`)).toEqual(['offline1', '  z-old', '  a-new', '    leaf', '  full1']);
    expect(tree[0]!.children).toEqual(['z-old', 'a-new', 'full1']);
    expect(tree.filter((s) => s.current).map((s) => s.name)).toEqual(['full1']);
  });

  it('says what each snapshot is', () => {
    const [o, f] = toSnapshotTree(new Map([[offline.name, offline], [full.name, full]]), ctx);
    expect(o).toMatchObject({ kind: 'disk', location: 'internal', memory: false, vmState: 'shutoff', consistency: 'offline', sizeBytes: null, createdAt: '2026-11-26T15:46:23.000Z' });
    expect(f).toMatchObject({ kind: 'full', memory: true, vmState: 'running', consistency: 'memory', revert: { possible: true } });
  });

  it('shows external snapshots with their overlay size, label and why they cannot be reverted here', () => {
    const ext = parseSnapshot(editSnapshotXml(fixture('snapshot-disk-external.xml'), { consistency: 'crash-consistent' }));
    const [s] = toSnapshotTree(new Map([[ext.name, ext]]), { ...ctx, sizes: new Map([['ext2', 196_616]]) });
    expect(s).toMatchObject({
      name: 'ext2', parent: 'ext1', depth: 0, kind: 'disk', location: 'external', vmState: 'running', consistency: 'crash-consistent', sizeBytes: 196_616,
      disks: [{ target: 'vda', snapshot: 'external', file: '/var/lib/libvirt/images/ferry-test-snap-fix-vda-ext2.qcow2' }],
      revert: { possible: false, reason: expect.stringMatching(/from libvirt 9\.9/) },
    });
    const [unlabelled] = toSnapshotTree(new Map([['ext2', parseSnapshot(fixture('snapshot-disk-external.xml'))]]), ctx);
    expect(unlabelled!.consistency).toBe('unknown');
  });
});
