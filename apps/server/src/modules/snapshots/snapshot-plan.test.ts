// The snapshot rules, on parsed fixtures and hand-made VMs: which kind and location a request
// gets, and every 409 a user can meet before libvirt is asked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDomain, parseSnapshot, type DomainConfig, type DomainDisk } from '@ferry/domain-xml';
import type { VmState } from '@ferry/contract';
import { descendantsOf, libVersionNumber, overlayPath, planCreate, planDelete, planRevert, type ExistingSnapshots, type VmFacts } from './snapshot-plan.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../../../packages/domain-xml/src/fixtures/${name}`, import.meta.url), 'utf8');
const base = parseDomain(fixture('domain-bios-live.xml'));
const disk = (target: string, file: string, format = 'qcow2', device = 'disk'): DomainDisk =>
  ({ key: `disk:${target}`, device, type: 'file', source: { file }, target, bus: 'virtio', format, readonly: device === 'cdrom' });
const vm = (state: VmState, change: Partial<DomainConfig> = {}, hostdevs = 0): VmFacts => ({
  name: 'web', state, hostdevs,
  config: { ...base, disks: [disk('vda', '/images/web.qcow2'), disk('sda', '/iso/x.iso', 'raw', 'cdrom')], firmware: { kind: 'bios' }, guestAgent: { configured: false }, ...change },
});
const none: ExistingSnapshots = { names: [], internal: 0, external: 0 };
const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as { code: string }).code; } };
const message = (f: () => unknown) => { try { f(); return ''; } catch (e) { return (e as Error).message; } };

describe('planCreate', () => {
  it('defaults to a full internal snapshot of a running VM, CD-ROMs left out', () => {
    const p = planCreate(vm('running'), none, { name: 's1' });
    expect(p).toMatchObject({ kind: 'full', location: 'internal', memory: 'internal', consistency: 'memory', memoryInto: '/images/web.qcow2' });
    expect(p.disks).toEqual([{ target: 'vda', snapshot: 'internal' }, { target: 'sda', snapshot: 'no' }]);
    expect(p.memoryBytes).toBe(base.currentMemoryKiB * 1024);
  });

  it('takes an internal disk snapshot of a shut-off VM', () => {
    expect(planCreate(vm('shutoff'), none, { name: 's1' })).toMatchObject({ kind: 'disk', location: 'internal', memory: 'no', consistency: 'offline' });
  });

  it('takes a disk snapshot of a running VM as external overlays beside the disks, quiesced when the agent is connected', () => {
    const crash = planCreate(vm('running'), none, { name: 's1', kind: 'disk' });
    expect(crash).toMatchObject({ location: 'external', quiesce: false, consistency: 'crash-consistent' });
    expect(crash.disks[0]).toMatchObject({ target: 'vda', snapshot: 'external', file: expect.stringMatching(/^\/images\/web-vda-snap1-[0-9a-z]+\.qcow2$/) });
    const agent = planCreate(vm('running', { guestAgent: { configured: true, state: 'connected' } }), none, { name: 's1', kind: 'disk' });
    expect(agent).toMatchObject({ quiesce: true, consistency: 'quiesced' });
    const gone = planCreate(vm('running', { guestAgent: { configured: true, state: 'disconnected' } }), none, { name: 's1', kind: 'disk' });
    expect(gone.quiesce).toBe(false);
  });

  it('falls back to a disk snapshot by default where a full one is impossible, and refuses an explicit full one with the reason', () => {
    const uefi = vm('running', { firmware: { kind: 'uefi', secureBoot: false } });
    expect(planCreate(uefi, none, { name: 's1' })).toMatchObject({ kind: 'disk', location: 'external' });
    expect(message(() => planCreate(uefi, none, { name: 's1', kind: 'full' }))).toMatch(/UEFI firmware from pflash/);
    const raw = vm('running', { disks: [disk('vda', '/images/web.img', 'raw')] });
    expect(message(() => planCreate(raw, none, { name: 's1', kind: 'full' }))).toMatch(/disk vda is raw, and only qcow2 disks can hold internal snapshots/);
    expect(message(() => planCreate(vm('running', {}, 1), none, { name: 's1', kind: 'full' }))).toMatch(/1 passed-through host device/);
    expect(message(() => planCreate(vm('shutoff'), none, { name: 's1', kind: 'full' }))).toMatch(/shut-off VM has no memory/);
    // A shut-off VM whose disks cannot hold internal snapshots gets overlays.
    expect(planCreate({ ...raw, state: 'shutoff' }, none, { name: 's1' })).toMatchObject({ location: 'external', consistency: 'offline' });
  });

  it('never mixes internal and external snapshots on one VM', () => {
    const withInternal = { names: ['a'], internal: 1, external: 0 };
    expect(code(() => planCreate(vm('running'), withInternal, { name: 's1', kind: 'disk' }))).toBe('INVALID_STATE');
    const withExternal = { names: ['a'], internal: 0, external: 1 };
    expect(message(() => planCreate(vm('running'), withExternal, { name: 's1', kind: 'full' }))).toMatch(/external snapshot/);
    // A shut-off VM already on overlays stays on overlays.
    expect(planCreate(vm('shutoff'), withExternal, { name: 's1' })).toMatchObject({ location: 'external' });
  });

  it('refuses duplicates (409 CONFLICT), VMs in other states and VMs without writable disks', () => {
    expect(code(() => planCreate(vm('running'), { names: ['s1'], internal: 1, external: 0 }, { name: 's1' }))).toBe('CONFLICT');
    expect(code(() => planCreate(vm('crashed'), none, { name: 's1' }))).toBe('INVALID_STATE');
    expect(message(() => planCreate(vm('shutoff', { disks: [] }), none, { name: 's1' }))).toMatch(/no writable disks/);
    expect(message(() => planCreate(vm('running', { disks: [{ ...disk('vda', ''), source: { dev: '/dev/sdb' } }] }), none, { name: 's1', kind: 'disk' }))).toMatch(/not a file/);
  });
});

describe('overlayPath', () => {
  it('puts the overlay beside the disk, with a name made safe', () => {
    expect(overlayPath('../we b', 'vda', '/pool/a/disk0.qcow2', 2, 36)).toBe('/pool/a/_we_b-vda-snap3-10.qcow2');
  });
});

describe('planRevert', () => {
  const full = parseSnapshot(fixture('snapshot-full-running.xml'));
  const ext = parseSnapshot(fixture('snapshot-disk-external.xml'));
  const disks = full.domain!.disks;

  it("goes back to the snapshot's own state, or the one asked for", () => {
    expect(planRevert(full, 'shutoff', libVersionNumber('9.0.0'), disks, {})).toEqual({ then: 'running' });
    expect(planRevert(full, 'shutoff', libVersionNumber('9.0.0'), disks, { state: 'paused' })).toEqual({ then: 'paused' });
  });

  it('asks for force when the VM runs', () => {
    expect(message(() => planRevert(full, 'running', 9_000_000, disks, {}))).toMatch(/pass force: true/);
    expect(planRevert(full, 'running', 9_000_000, disks, { force: true })).toEqual({ then: 'running' });
  });

  it('refuses external snapshots before libvirt 9.9, and internal ones whose disks have moved to overlays', () => {
    expect(message(() => planRevert(ext, 'shutoff', libVersionNumber('9.0.0'), ext.domain!.disks, {}))).toMatch(/cannot revert external snapshots \(from libvirt 9\.9/);
    expect(planRevert(ext, 'shutoff', libVersionNumber('9.9.0'), ext.domain!.disks, {})).toEqual({ then: 'shutoff' });
    expect(message(() => planRevert(full, 'shutoff', 9_000_000, [disk('vda', '/images/x-vda-snap1.qcow2')], {}))).toMatch(/disk vda now lives in another file/);
  });
});

describe('planDelete', () => {
  const full = parseSnapshot(fixture('snapshot-full-running.xml'));
  const offline = parseSnapshot(fixture('snapshot-disk-shutoff.xml'));
  const ext = parseSnapshot(fixture('snapshot-disk-external.xml'));
  const tree = new Map([[offline.name, offline], [full.name, full]]);

  it('deletes internal snapshots alone or with their children', () => {
    expect(descendantsOf('offline1', tree)).toEqual(['full1']);
    expect(planDelete(offline, tree, 'running', [], { children: false, metadataOnly: false })).toEqual({ children: false, descendants: [] });
    expect(planDelete(offline, tree, 'running', [], { children: true, metadataOnly: false })).toEqual({ children: true, descendants: ['full1'] });
  });

  it('refuses what libvirt 9.0 cannot do with external snapshots', () => {
    const ext1 = { ...ext, name: 'ext1', parent: null };
    const chain = new Map([[ext1.name, ext1], [ext.name, ext]]);
    expect(message(() => planDelete(ext1, chain, 'running', [], { children: true, metadataOnly: false }))).toMatch(/together with its children/);
    const top = [disk('vda', ext.disks[0]!.file!)];
    expect(planDelete(ext, chain, 'shutoff', top, { children: false, metadataOnly: false })).toEqual({ children: false, descendants: [] });
    expect(message(() => planDelete(ext, chain, 'shutoff', [disk('vda', '/elsewhere.qcow2')], { children: false, metadataOnly: false }))).toMatch(/only the newest/);
    expect(planDelete(ext, chain, 'running', [], { children: false, metadataOnly: false })).toEqual({ children: false, descendants: [] });
    // Metadata only: libvirt just forgets it.
    expect(planDelete(ext1, chain, 'shutoff', [], { children: true, metadataOnly: true })).toEqual({ children: true, descendants: ['ext2'] });
  });
});
