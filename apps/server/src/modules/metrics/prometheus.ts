// Prometheus text exposition (format 0.0.4) of the latest stats samples — pure.
//
// Gauges of what the sampler derived over its last interval (CPU %, bytes/s, ops/s) and memory
// in bytes (Prometheus' base unit), per VM {vm_id, vm_name, host_id} and per host
// {host_id, host_name}; plus, per host, whether it is connected, when it was last sampled and
// how many ticks were skipped because a round was still running. A host's sample older than a
// few intervals (the host went away) is left out rather than shown as current. No timestamps
// on samples: Prometheus stamps the scrape, and gauges of "the last 2 s" need nothing else.
import type { HostStats } from './stats-sampler.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;
export interface Family { name: string; help: string; type: 'gauge' | 'counter'; samples: { labels: Labels; value: number }[] }

/** Label values: backslash, double quote and line feed are escaped. */
export const escapeLabelValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** HELP text: backslash and line feed are escaped. */
export const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function render(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
      out.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const MIB = 1024 * 1024;

type VmPick = (s: HostStats['message']['vms'][number]) => number | null;
const VM_GAUGES: readonly [string, string, VmPick][] = [
  ['ferry_vm_cpu_percent', 'CPU used by the VM over the last sampling interval, in percent of one host CPU.', (s) => s.cpuPct],
  ['ferry_vm_memory_used_bytes', 'Memory the guest uses (total minus available), as its balloon driver reports it.', (s) => (s.memUsedMiB === null ? null : s.memUsedMiB * MIB)],
  ['ferry_vm_memory_available_bytes', 'Memory the guest can still use without swapping, as its balloon driver reports it.', (s) => (s.memAvailableMiB === null ? null : s.memAvailableMiB * MIB)],
  ['ferry_vm_disk_read_bytes_per_second', 'Bytes read from all the VM\'s disks per second.', (s) => s.diskReadBps],
  ['ferry_vm_disk_write_bytes_per_second', 'Bytes written to all the VM\'s disks per second.', (s) => s.diskWriteBps],
  ['ferry_vm_disk_read_ops_per_second', 'Read requests to all the VM\'s disks per second.', (s) => s.diskReadIops],
  ['ferry_vm_disk_write_ops_per_second', 'Write requests to all the VM\'s disks per second.', (s) => s.diskWriteIops],
  ['ferry_vm_network_receive_bytes_per_second', 'Bytes received on all the VM\'s interfaces per second.', (s) => s.netRxBps],
  ['ferry_vm_network_transmit_bytes_per_second', 'Bytes sent on all the VM\'s interfaces per second.', (s) => s.netTxBps],
];

export interface HostView { id: string; name: string; connected: boolean; latest: HostStats | undefined; skippedTicks: number }

/** The families for every host; `maxAgeMs`: older samples are left out (their host stopped answering). */
export function collect(hosts: readonly HostView[], nowMs: number, maxAgeMs: number): Family[] {
  const gauge = (name: string, help: string): Family => ({ name, help, type: 'gauge', samples: [] });
  const up = gauge('ferry_host_up', 'Whether Ferry is connected to the host\'s libvirt (1) or not (0).');
  const hostCpu = gauge('ferry_host_cpu_percent', 'Host CPU busy over the last sampling interval, in percent of all its CPUs.');
  const hostUsed = gauge('ferry_host_memory_used_bytes', 'Host memory in use, excluding buffers and page cache.');
  const hostTotal = gauge('ferry_host_memory_total_bytes', 'Host memory in total.');
  const lastSample = gauge('ferry_stats_last_sample_timestamp_seconds', 'When the host was last sampled (Unix time).');
  const skipped: Family = { name: 'ferry_stats_skipped_ticks_total', help: 'Sampling ticks skipped because the host\'s previous round was still running.', type: 'counter', samples: [] };
  const vm = VM_GAUGES.map(([name, help]) => gauge(name, help));

  for (const h of hosts) {
    const hl = { host_id: h.id, host_name: h.name };
    up.samples.push({ labels: hl, value: h.connected ? 1 : 0 });
    skipped.samples.push({ labels: { host_id: h.id }, value: h.skippedTicks });
    const latest = h.latest;
    if (!latest) continue;
    lastSample.samples.push({ labels: { host_id: h.id }, value: latest.atMs / 1000 });
    if (nowMs - latest.atMs > maxAgeMs) continue;
    const host = latest.message.host;
    if (host) {
      hostCpu.samples.push({ labels: hl, value: host.cpuPct });
      hostUsed.samples.push({ labels: hl, value: host.memUsedMiB * MIB });
      hostTotal.samples.push({ labels: hl, value: host.memTotalMiB * MIB });
    }
    for (const s of latest.message.vms) {
      const labels = { vm_id: s.vmId, vm_name: latest.names.get(s.vmId) ?? '', host_id: h.id };
      VM_GAUGES.forEach(([, , pick], i) => {
        const v = pick(s);
        if (v !== null) vm[i]!.samples.push({ labels, value: v });
      });
    }
  }
  return [up, hostCpu, hostUsed, hostTotal, lastSample, skipped, ...vm];
}
