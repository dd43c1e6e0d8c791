// libvirt's snapshot documents → the API's tree. Pure.
//
// The list is flat in tree order — depth first, siblings oldest first — with each snapshot's
// parent, children and depth, so a client draws the tree without rebuilding it and a script
// reads it as a list. libvirt names the parent in each document; children are derived here.
import type { DomainDisk, SnapshotXml } from '@ferry/domain-xml';
import { snapshotFiles, snapshotLocation } from '@ferry/domain-xml';
import type { Snapshot } from '@ferry/contract';
import { revertBlocker } from './snapshot-plan.ts';

export interface TreeContext {
  current: string | null;
  libVersion: number;
  /** The VM's disks now (for "can it be reverted"). */
  currentDisks: readonly DomainDisk[];
  /** Bytes of each external snapshot's files, when known. */
  sizes: ReadonlyMap<string, number | null>;
}

const byAge = (a: SnapshotXml, b: SnapshotXml) => a.creationTime - b.creationTime || a.name.localeCompare(b.name);

export function toSnapshotTree(all: ReadonlyMap<string, SnapshotXml>, ctx: TreeContext): Snapshot[] {
  const kids = new Map<string | null, SnapshotXml[]>();
  for (const s of all.values()) {
    // A parent libvirt names but does not list (never seen, but cheap to survive) makes a root.
    const parent = s.parent !== null && all.has(s.parent) ? s.parent : null;
    kids.set(parent, [...(kids.get(parent) ?? []), s]);
  }
  const out: Snapshot[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (kids.get(parent) ?? []).sort(byAge)) {
      out.push(toSnapshot(s, depth, (kids.get(s.name) ?? []).sort(byAge).map((c) => c.name), ctx));
      walk(s.name, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function toSnapshot(s: SnapshotXml, depth: number, children: string[], ctx: TreeContext): Snapshot {
  const memory = s.memory.snapshot !== 'no' && s.memory.snapshot !== '';
  const blocker = revertBlocker(s, ctx.libVersion, ctx.currentDisks);
  return {
    name: s.name,
    description: s.description,
    parent: s.parent,
    children,
    depth,
    current: s.name === ctx.current,
    createdAt: new Date(s.creationTime * 1000).toISOString(),
    kind: memory ? 'full' : 'disk',
    location: snapshotLocation(s),
    memory,
    // libvirt says 'disk-snapshot' for a disk-only snapshot of a live VM.
    vmState: s.state === 'running' || s.state === 'disk-snapshot' ? 'running' : s.state === 'paused' ? 'paused' : s.state === 'shutoff' ? 'shutoff' : 'other',
    consistency: memory ? 'memory' : s.state === 'shutoff' ? 'offline' : s.consistency ?? 'unknown',
    disks: s.disks.map((d) => ({
      target: d.target,
      snapshot: d.snapshot === 'internal' || d.snapshot === 'external' ? d.snapshot : 'no',
      file: d.snapshot === 'external' ? d.file ?? null : null,
    })),
    sizeBytes: snapshotFiles(s).length > 0 ? ctx.sizes.get(s.name) ?? null : null,
    revert: blocker ? { possible: false, reason: blocker } : { possible: true },
  };
}
