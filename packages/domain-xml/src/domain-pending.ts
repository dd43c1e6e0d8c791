// "Pending changes": how a running VM's next boot will differ from what it runs now, i.e. the
// differences between its live XML and its inactive XML (virDomainGetXMLDesc with and without
// VIR_DOMAIN_XML_INACTIVE), for the settings DomainConfig models.
//
// Live XML is not the inactive XML plus runtime data in every respect, and these are not
// changes: libvirt expands host-model into a custom CPU with the host's model at start; a
// running 'network' NIC also names its bridge; sources gain an index. Comparisons are made on
// parsed values, which drop such details.
import { parseDomain } from './domain-parse.ts';
import type { BootEntry, DiskSource, DomainConfig, DomainCpu, DomainDisk, DomainNic, NicSource } from './domain-types.ts';
import { formatKiB } from './domain-units.ts';

export type PendingField = 'vcpus' | 'memory' | 'cpu' | 'disks' | 'nics' | 'boot';

export interface PendingChange {
  field: PendingField;
  /** For people: 'vCPUs at boot: 2 → 3'. */
  message: string;
}

const topo = (c: DomainCpu): string => `${c.topology.sockets}×${c.topology.dies}×${c.topology.cores}×${c.topology.threads}`;

function cpuLabel(c: DomainCpu): string {
  return c.mode === 'custom' ? `custom (${c.model ?? 'default model'})` : c.mode;
}

function sourceLabel(s: DiskSource | NicSource | undefined): string {
  if (!s) return 'none';
  if ('file' in s) return s.file;
  if ('dev' in s) return s.dev;
  if ('pool' in s) return `${s.pool}/${s.volume}`;
  if ('protocol' in s) return `${s.protocol}:${s.name}`;
  if ('network' in s) return `network ${s.network}`;
  return `bridge ${s.bridge}`;
}

function diskLabel(d: DomainDisk): string {
  return `${d.device === 'cdrom' ? 'CD-ROM' : 'Disk'} ${d.target}`;
}

function bootLabel(b: BootEntry[]): string {
  if (b.length === 0) return 'default';
  return b.map((e) => (e.kind === 'dev' ? e.dev : e.key.replace(/^(disk|nic):/, ''))).join(', ');
}

/** Each pair whose values differ, as 'what: old → new'. */
function diffs(pairs: Array<[string, unknown, unknown]>): string[] {
  return pairs.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${what}: ${String(a)} → ${String(b)}`);
}

function vcpuChanges(live: DomainConfig, next: DomainConfig): string[] {
  return diffs([
    ['vCPUs at boot', live.vcpus.current, next.vcpus.current],
    ['maximum vCPUs', live.vcpus.count, next.vcpus.count],
    ['CPU topology (sockets×dies×cores×threads)', topo(live.cpu), topo(next.cpu)],
  ]);
}

function memoryChanges(live: DomainConfig, next: DomainConfig): string[] {
  return diffs([
    ['Memory', formatKiB(live.memoryKiB), formatKiB(next.memoryKiB)],
    ['Current memory', formatKiB(live.currentMemoryKiB), formatKiB(next.currentMemoryKiB)],
  ]);
}

function cpuChanges(live: DomainConfig, next: DomainConfig): string[] {
  // host-model shows up in live XML as the custom model libvirt expanded it to.
  if (next.cpu.mode === 'host-model' && (live.cpu.mode === 'custom' || live.cpu.mode === 'host-model')) return [];
  if (live.cpu.mode === next.cpu.mode && live.cpu.model === next.cpu.model) return [];
  return [`CPU: ${cpuLabel(live.cpu)} → ${cpuLabel(next.cpu)}`];
}

function diskChanges(live: DomainConfig, next: DomainConfig): string[] {
  const before = new Map(live.disks.map((d) => [d.target, d]));
  const after = new Map(next.disks.map((d) => [d.target, d]));
  const out: string[] = [];
  for (const [target, d] of before) if (!after.has(target)) out.push(`${diskLabel(d)} removed (${sourceLabel(d.source)})`);
  for (const [target, d] of after) {
    const old = before.get(target);
    if (!old) {
      out.push(`${diskLabel(d)} added (${sourceLabel(d.source)})`);
      continue;
    }
    out.push(
      ...diffs([
        ['source', sourceLabel(old.source), sourceLabel(d.source)],
        ['bus', old.bus, d.bus],
        ['format', old.format ?? 'default', d.format ?? 'default'],
        ['cache', old.cache ?? 'default', d.cache ?? 'default'],
        ['discard', old.discard ?? 'default', d.discard ?? 'default'],
        ['read-only', old.readonly, d.readonly],
      ]).map((m) => `${diskLabel(d)} ${m}`),
    );
  }
  return out;
}

function nicLabel(n: DomainNic): string {
  return `NIC ${n.mac}`;
}

function nicChanges(live: DomainConfig, next: DomainConfig): string[] {
  const before = new Map(live.nics.map((n) => [n.mac, n]));
  const after = new Map(next.nics.map((n) => [n.mac, n]));
  const out: string[] = [];
  for (const [mac, n] of before) if (!after.has(mac)) out.push(`${nicLabel(n)} removed (${sourceLabel(n.source)})`);
  for (const [mac, n] of after) {
    const old = before.get(mac);
    if (!old) {
      out.push(`${nicLabel(n)} added (${sourceLabel(n.source)}, ${n.model ?? 'default model'})`);
      continue;
    }
    out.push(
      ...diffs([
        ['source', sourceLabel(old.source), sourceLabel(n.source)],
        ['model', old.model ?? 'default', n.model ?? 'default'],
        ['link', old.linkState, n.linkState],
      ]).map((m) => `${nicLabel(n)} ${m}`),
    );
  }
  return out;
}

function bootChanges(live: DomainConfig, next: DomainConfig): string[] {
  return diffs([['Boot order', bootLabel(live.boot), bootLabel(next.boot)]]);
}

/**
 * What will change at the next boot: differences between `liveXml` (what runs) and
 * `inactiveXml` (the persistent definition), in the order vCPUs, memory, CPU, disks, NICs, boot.
 * Empty when nothing is pending.
 */
export function pendingChanges(liveXml: string, inactiveXml: string): PendingChange[] {
  const live = parseDomain(liveXml);
  const next = parseDomain(inactiveXml);
  const groups: Array<[PendingField, string[]]> = [
    ['vcpus', vcpuChanges(live, next)],
    ['memory', memoryChanges(live, next)],
    ['cpu', cpuChanges(live, next)],
    ['disks', diskChanges(live, next)],
    ['nics', nicChanges(live, next)],
    ['boot', bootChanges(live, next)],
  ];
  return groups.flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
}
