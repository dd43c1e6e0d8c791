// Which snapshot a VM can have, and whether a revert or delete can be done — decided before
// libvirt is asked, so a refusal is a clear 409 and never a half-done operation. Pure: the
// services gather the facts, this file judges them.
//
// The model (measured on libvirt 9.0 / QEMU 7.2; see docs/api.md "Snapshots"):
// - full = memory + disks, internal: everything goes into the qcow2 files. Needs a running or
//   paused VM, qcow2 for every writable disk, no pflash firmware ("internal snapshots of a VM
//   with pflash based firmware are not supported") and no passed-through host devices.
// - disk = disks only. Internal when the VM is shut off and its disks can hold one (same rules);
//   otherwise external: each writable file disk gets an overlay beside it. libvirt refuses an
//   internal disk-only snapshot of a running VM, so that case is always external; it is
//   quiesced through the guest agent when the agent is connected, else crash-consistent.
// - one location per VM: an internal revert after an external snapshot leaves the overlays
//   stranded (libvirt 9.0 does it without complaint), and merging an overlay that holds
//   internal snapshots drops them. So a VM's snapshots are all internal or all external.
// - external revert: libvirt ≥ 9.9 only ("revert to external snapshot not supported yet").
// - external delete merges the overlay (block commit). On a shut-off VM libvirt 9.0 can do that
//   only for the newest one (the inactive definition has no backing chain to search), and never
//   together with its children ("deletion of external children disk snapshots not supported").
import { dirname, join } from 'node:path';
import type { DomainConfig, DomainDisk, SnapshotDiskSpec, SnapshotXml } from '@ferry/domain-xml';
import { snapshotLocation } from '@ferry/domain-xml';
import type { Snapshot, VmState } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';

/** libvirt's version as one number (major × 1,000,000 + minor × 1,000 + micro), like virConnectGetLibVersion. */
export const libVersionNumber = (v: string): number => {
  const [major = 0, minor = 0, micro = 0] = v.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + micro;
};
export const EXTERNAL_REVERT_SINCE = 9_009_000;

export interface VmFacts {
  name: string;
  state: VmState;
  /** The live definition of a running VM, the inactive one of a stopped VM. */
  config: DomainConfig;
  hostdevs: number;
}
export interface ExistingSnapshots { names: readonly string[]; internal: number; external: number }

export interface CreatePlan {
  kind: 'full' | 'disk';
  location: 'internal' | 'external';
  memory: 'internal' | 'no';
  disks: SnapshotDiskSpec[];
  /** Try the guest agent's file-system freeze (external disk-only of a running VM). */
  quiesce: boolean;
  consistency: Snapshot['consistency'];
  /** Full: the file the memory state goes into (the first qcow2 disk), and how much it may take. */
  memoryInto?: string;
  memoryBytes: number;
}

const writable = (d: DomainDisk): boolean => d.device === 'disk' && !d.readonly;
const fileOf = (d: DomainDisk): string | undefined => (d.source && 'file' in d.source ? d.source.file : undefined);
const isLive = (s: VmState): boolean => s === 'running' || s === 'paused';

/** Why the VM's disks cannot hold internal snapshots, or null when they can. */
function internalBlocker(vm: VmFacts): string | null {
  if (vm.config.firmware.kind === 'uefi') return 'it boots UEFI firmware from pflash, and libvirt cannot take internal snapshots of such VMs';
  const raw = vm.config.disks.filter(writable).find((d) => d.format !== 'qcow2');
  if (raw) return `disk ${raw.target} is ${raw.format ?? 'of unknown format'}, and only qcow2 disks can hold internal snapshots`;
  return null;
}

function mixBlocker(location: 'internal' | 'external', existing: ExistingSnapshots): string | null {
  if (location === 'internal' && existing.external > 0) {
    return `the VM has ${existing.external} external snapshot(s): an internal one would live in an overlay file that deleting them merges away. Delete the external snapshots first, or take a disk snapshot (external)`;
  }
  if (location === 'external' && existing.internal > 0) {
    return `the VM has ${existing.internal} internal snapshot(s): reverting one of them after an external snapshot would strand its overlay files. Take a full snapshot, shut the VM down for an internal disk snapshot, or delete the internal snapshots first`;
  }
  return null;
}

export function planCreate(vm: VmFacts, existing: ExistingSnapshots, req: { name: string; kind?: 'full' | 'disk' | undefined }): CreatePlan {
  if (existing.names.includes(req.name)) throw new AppError('CONFLICT', `the VM already has a snapshot named ${req.name}`);
  if (!isLive(vm.state) && vm.state !== 'shutoff') throw new AppError('INVALID_STATE', `cannot snapshot a VM that is ${vm.state}`, { state: vm.state });
  const kind = req.kind ?? (isLive(vm.state) && fullBlocker(vm, existing) === null ? 'full' : 'disk');
  return kind === 'full' ? planFull(vm, existing) : planDisk(vm, existing);
}

function fullBlocker(vm: VmFacts, existing: ExistingSnapshots): string | null {
  if (!isLive(vm.state)) return 'a shut-off VM has no memory to save: take a disk snapshot (kind: "disk")';
  if (vm.hostdevs > 0) return `the VM has ${vm.hostdevs} passed-through host device(s), whose state cannot be saved with its memory: take a disk snapshot`;
  const internal = internalBlocker(vm);
  if (internal) return `a full snapshot needs internal snapshots, but ${internal}: take a disk snapshot (kind: "disk")`;
  return mixBlocker('internal', existing);
}

function planFull(vm: VmFacts, existing: ExistingSnapshots): CreatePlan {
  const blocker = fullBlocker(vm, existing);
  if (blocker) throw new AppError('INVALID_STATE', `cannot take a full snapshot: ${blocker}`);
  const disks = vm.config.disks.map((d): SnapshotDiskSpec => ({ target: d.target, snapshot: writable(d) ? 'internal' : 'no' }));
  const into = vm.config.disks.filter(writable).map(fileOf).find((f) => f !== undefined);
  return {
    kind: 'full', location: 'internal', memory: 'internal', disks, quiesce: false, consistency: 'memory',
    ...(into ? { memoryInto: into } : {}), memoryBytes: vm.config.currentMemoryKiB * 1024,
  };
}

function planDisk(vm: VmFacts, existing: ExistingSnapshots): CreatePlan {
  const targets = vm.config.disks.filter(writable);
  if (targets.length === 0) throw new AppError('INVALID_STATE', 'the VM has no writable disks to snapshot');
  // Internal where it can be (one file, nothing to merge later), unless the VM already went external.
  const internal = vm.state === 'shutoff' && internalBlocker(vm) === null && existing.external === 0;
  if (internal) {
    const blocker = mixBlocker('internal', existing);
    if (blocker) throw new AppError('INVALID_STATE', `cannot take a disk snapshot: ${blocker}`);
    const disks = vm.config.disks.map((d): SnapshotDiskSpec => ({ target: d.target, snapshot: writable(d) ? 'internal' : 'no' }));
    return { kind: 'disk', location: 'internal', memory: 'no', disks, quiesce: false, consistency: 'offline', memoryBytes: 0 };
  }
  const blocker = mixBlocker('external', existing);
  if (blocker) throw new AppError('INVALID_STATE', `cannot take a disk snapshot${isLive(vm.state) ? ' of a running VM (it needs overlay files)' : ''}: ${blocker}`);
  const disks = vm.config.disks.map((d): SnapshotDiskSpec => {
    if (!writable(d)) return { target: d.target, snapshot: 'no' };
    const file = fileOf(d);
    if (!file) throw new AppError('INVALID_STATE', `disk ${d.target} is not a file, and Ferry makes overlay files only beside file disks`);
    return { target: d.target, snapshot: 'external', file: overlayPath(vm.name, d.target, file, existing.names.length) };
  });
  const quiesce = vm.state === 'running' && vm.config.guestAgent.configured && vm.config.guestAgent.state === 'connected';
  return {
    kind: 'disk', location: 'external', memory: 'no', disks, quiesce,
    consistency: vm.state === 'shutoff' ? 'offline' : quiesce ? 'quiesced' : 'crash-consistent', memoryBytes: 0,
  };
}

/**
 * The overlay for a disk: beside the file it freezes (so in the same storage pool), named for
 * the VM and disk with a counter — not the snapshot's name, which may be a word the file system
 * or a later snapshot would trip over. libvirt refuses to overwrite an existing file.
 */
export function overlayPath(vmName: string, target: string, current: string, n: number, now = Date.now()): string {
  const vm = vmName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '') || 'vm';
  return join(dirname(current), `${vm}-${target}-snap${n + 1}-${now.toString(36)}.qcow2`);
}

/** Whether a snapshot can be reverted on this host; the reason when not. */
export function revertBlocker(snap: SnapshotXml, libVersion: number, currentDisks: readonly DomainDisk[]): string | null {
  if (snapshotLocation(snap) === 'external') {
    if (libVersion < EXTERNAL_REVERT_SINCE) {
      return 'libvirt on this host cannot revert external snapshots (from libvirt 9.9 on it can); the snapshot is intact and can be deleted, which merges its overlay';
    }
    return null;
  }
  // An internal snapshot restores the disk files it names; if the VM has moved on to overlays
  // since (external snapshots made outside Ferry), reverting would strand them.
  const then = new Map((snap.domain?.disks ?? []).filter(writable).map((d) => [d.target, fileOf(d)]));
  const moved = currentDisks.filter(writable).find((d) => then.has(d.target) && then.get(d.target) !== fileOf(d));
  if (moved) return `disk ${moved.target} now lives in another file (${fileOf(moved) ?? 'not a file'}) than when this snapshot was taken; reverting would strand it`;
  return null;
}

export interface RevertPlan { then: 'running' | 'paused' | 'shutoff' }

export function planRevert(snap: SnapshotXml, vmState: VmState, libVersion: number, currentDisks: readonly DomainDisk[], req: { state?: RevertPlan['then'] | undefined; force?: boolean | undefined }): RevertPlan {
  const blocker = revertBlocker(snap, libVersion, currentDisks);
  if (blocker) throw new AppError('INVALID_STATE', `cannot revert to ${snap.name}: ${blocker}`);
  if (isLive(vmState) && !req.force) {
    throw new AppError('INVALID_STATE', `the VM is ${vmState}: reverting discards its current running state and every disk write since ${snap.name}; pass force: true to do it anyway`, { state: vmState });
  }
  const own = snap.state === 'running' ? 'running' : snap.state === 'paused' ? 'paused' : 'shutoff';
  return { then: req.state ?? own };
}

/** Refuses deletes libvirt would refuse half-way or not do at all; returns whether to pass CHILDREN. */
export function planDelete(snap: SnapshotXml, all: ReadonlyMap<string, SnapshotXml>, vmState: VmState, currentDisks: readonly DomainDisk[], req: { children: boolean; metadataOnly: boolean }): { children: boolean; descendants: string[] } {
  const descendants = descendantsOf(snap.name, all);
  const children = req.children && descendants.length > 0;
  if (req.metadataOnly || snapshotLocation(snap) === 'internal') return { children, descendants: children ? descendants : [] };
  if (children) {
    throw new AppError('INVALID_STATE', `libvirt cannot delete an external snapshot together with its children: delete ${descendants.join(', ')} first (newest first), then ${snap.name}`);
  }
  if (!isLive(vmState)) {
    const current = new Set(currentDisks.filter(writable).map(fileOf));
    const newest = snap.disks.filter((d) => d.snapshot === 'external').every((d) => current.has(d.file));
    if (!newest) {
      throw new AppError('INVALID_STATE', `on a shut-off VM libvirt can merge only the newest external snapshot: start the VM (it merges while running) or delete the newer ones first`);
    }
  }
  return { children: false, descendants: [] };
}

export function descendantsOf(name: string, all: ReadonlyMap<string, SnapshotXml>): string[] {
  const out: string[] = [];
  const walk = (parent: string) => {
    for (const s of all.values()) if (s.parent === parent) { out.push(s.name); walk(s.name); }
  };
  walk(name);
  return out;
}
