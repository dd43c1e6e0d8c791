// DomainConfig (domain-xml's reading of the XML) → the API's VmDetail. Pure.
import type { BootEntry, DomainConfig, DomainDisk } from '@ferry/domain-xml';
import type { VmDetail, VmSummary } from '@ferry/contract';

export interface DetailExtras {
  summary: VmSummary;
  autostart: boolean;
  persistent: boolean;
  digest: string;
  pendingChanges: string[];
  /** Capacity of each disk's volume by source path, where libvirt knows it. */
  capacityByPath: ReadonlyMap<string, number>;
  ipsByMac: ReadonlyMap<string, string[]>;
}

export function toVmDetail(d: DomainConfig, x: DetailExtras): VmDetail {
  return {
    ...x.summary,
    description: d.description,
    autostart: x.autostart,
    persistent: x.persistent,
    digest: x.digest,
    domainType: d.type,
    arch: d.arch,
    machine: d.machine || null,
    firmware: d.firmware.kind === 'uefi' ? { kind: 'uefi', secureBoot: d.firmware.secureBoot } : { kind: 'bios', secureBoot: false },
    cpu: {
      mode: d.cpu.mode,
      model: d.cpu.model ?? null,
      sockets: d.cpu.topology.sockets * d.cpu.topology.dies,
      cores: d.cpu.topology.cores,
      threads: d.cpu.topology.threads,
    },
    vcpu: { max: d.vcpus.count, current: d.vcpus.current },
    memory: { maxMiB: round(d.memoryKiB / 1024), currentMiB: round(d.currentMemoryKiB / 1024), balloon: d.balloonModel !== undefined && d.balloonModel !== 'none' },
    bootOrder: bootOrder(d.boot),
    disks: d.disks.map((disk) => toDisk(disk, x.capacityByPath)),
    nics: d.nics.map((n) => ({
      mac: n.mac,
      type: n.type,
      network: n.source && 'network' in n.source ? n.source.network : null,
      bridge: n.source && 'bridge' in n.source ? n.source.bridge : null,
      model: n.model ?? null,
      link: n.linkState,
      bootOrder: n.bootOrder ?? null,
      ips: x.ipsByMac.get(n.mac) ?? [],
    })),
    graphics: d.graphics.map((g) => ({ type: g.type, listen: g.listen ?? g.socket ?? null, port: g.port ?? null })),
    serial: d.serials.length > 0 || d.consoles.length > 0,
    guestAgent: d.guestAgent.configured,
    pendingChanges: x.pendingChanges,
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;

function toDisk(d: DomainDisk, capacityByPath: ReadonlyMap<string, number>): VmDetail['disks'][number] {
  const src = d.source;
  const source = !src ? {} : 'file' in src ? { file: src.file } : 'pool' in src ? { pool: src.pool, volume: src.volume } : 'dev' in src ? { dev: src.dev } : {};
  return {
    target: d.target,
    device: (['disk', 'cdrom', 'floppy', 'lun'] as const).find((k) => k === d.device) ?? 'disk',
    bus: d.bus,
    format: d.format ?? null,
    source,
    cache: d.cache ?? null,
    discard: d.discard ?? null,
    readonly: d.readonly,
    bootOrder: d.bootOrder ?? null,
    capacityBytes: src && 'file' in src ? capacityByPath.get(src.file) ?? null : null,
  };
}

/** Boot order as device keys (disk targets, NIC MACs), or device classes (hd, cdrom, network). */
function bootOrder(boot: BootEntry[]): string[] {
  return boot.map((b) => (b.kind === 'dev' ? b.dev : b.key.slice(b.key.indexOf(':') + 1)));
}
