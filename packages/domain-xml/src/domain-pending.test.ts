import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addDomainDisk,
  addDomainNic,
  pendingChanges,
  removeDomainDisk,
  setDomainCpu,
  setDomainMemory,
  setDomainVcpus,
  updateDomainNic,
} from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
// A real pair: the guest was started, then `virsh setvcpus --config 3`, `setmem --config 512M`,
// `attach-disk --config vdb`, `detach-interface --config` and a boot order redefined.
const live = fixture('domain-bios-live.xml');
const inactive = fixture('domain-bios-inactive.xml');

describe('pendingChanges', () => {
  it('lists what libvirt holds for the next boot of a running guest', () => {
    expect(pendingChanges(live, inactive)).toEqual([
      { field: 'vcpus', message: 'vCPUs at boot: 2 → 3' },
      { field: 'memory', message: 'Current memory: 1 GiB → 512 MiB' },
      { field: 'disks', message: 'Disk vdb added (/tmp/ferry-test-xml/data.raw)' },
      { field: 'nics', message: 'NIC 52:54:00:aa:bb:02 removed (bridge virbr0)' },
      { field: 'boot', message: 'Boot order: hd, cdrom, network → cdrom, hd, network' },
    ]);
  });

  it('finds nothing once the pending changes are undone: runtime details are not changes', () => {
    // Live XML adds aliases, source indexes, the network's bridge and portid, ptys, and a CPU
    // expanded with check='full' and required features; none of that may show up here.
    let reverted = setDomainVcpus(inactive, { sockets: 1, cores: 2, threads: 2, current: 2 });
    reverted = setDomainMemory(reverted, { memoryMiB: 1024 });
    reverted = removeDomainDisk(reverted, 'vdb');
    reverted = addDomainNic(reverted, { source: { bridge: 'virbr0' }, mac: '52:54:00:aa:bb:02', model: 'e1000' }).xml;
    reverted = updateDomainNic(reverted, '52:54:00:aa:bb:02', { linkState: 'down' }).xml;
    reverted = reverted.replace('<boot dev="cdrom"/>\n    <boot dev="hd"/>', '<boot dev="hd"/>\n    <boot dev="cdrom"/>');
    expect(pendingChanges(live, reverted)).toEqual([]);
    expect(pendingChanges(live, live)).toEqual([]);
  });

  it('does not report host-model as changed when live XML shows the expanded model', () => {
    const uefi = fixture('domain-uefi-secboot.xml');
    const expanded = uefi.replace("<cpu mode='host-model' check='partial'>", "<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>Cascadelake-Server-noTSX</model>");
    expect(pendingChanges(expanded, uefi)).toEqual([]);
    expect(pendingChanges(uefi, setDomainCpu(uefi, { mode: 'host-passthrough' }))).toEqual([{ field: 'cpu', message: 'CPU: host-model → host-passthrough' }]);
  });

  it('describes topology, memory, disk and NIC changes', () => {
    let next = setDomainVcpus(live, { sockets: 2, cores: 2, threads: 2 });
    next = setDomainMemory(next, { memoryMiB: 2048 });
    next = addDomainDisk(next, { kind: 'cdrom', source: { file: '/x.iso' }, bus: 'sata' }).xml;
    next = updateDomainNic(next, '52:54:00:aa:bb:01', { model: 'e1000', linkState: 'down' }).xml;
    expect(pendingChanges(live, next).map((c) => c.message)).toEqual([
      'maximum vCPUs: 4 → 8',
      'CPU topology (sockets×dies×cores×threads): 1×1×2×2 → 2×1×2×2',
      'Memory: 1 GiB → 2 GiB',
      'Current memory: 1 GiB → 2 GiB',
      'CD-ROM sdb added (/x.iso)',
      'NIC 52:54:00:aa:bb:01 model: virtio → e1000',
      'NIC 52:54:00:aa:bb:01 link: up → down',
    ]);
  });
});
