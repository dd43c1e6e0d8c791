// Which charts show which metric, in what unit: one table for the VM and one for the host,
// shared by the live view (events-socket samples) and the history ranges (GET …/metrics).
import type { HostMetricsPoint, HostSample, MetricStat, VmMetricsPoint, VmSample } from '@ferry/contract';
import { formatBytes, formatMiB } from '../../lib/format-units.ts';
import type { ChartSeries } from './components/chart/line-chart.tsx';
import type { LivePoint } from './live-stats.ts';

export const formatPercent = (v: number): string => `${v > 0 && v < 10 ? v.toFixed(1) : Math.round(v)} %`;
export const formatRate = (bps: number): string => `${formatBytes(bps)}/s`;

// Byte charts reach at least 1 KiB/s (256 MiB for memory): an idle disk or network then has
// distinct axis labels instead of fractions of a byte that all round to "1 B/s".
export interface ChartDef<K extends string> {
  id: string;
  title: string;
  format: (v: number) => string;
  bytes?: boolean;
  floorMax?: number;
  empty?: string;
  lines: readonly { name: string; key: K; tone: ChartSeries['tone'] }[];
}

type VmKey = keyof VmSample & keyof VmMetricsPoint & string;
type HostKey = keyof HostSample & keyof HostMetricsPoint & string;

export const VM_CHARTS: readonly ChartDef<VmKey>[] = [
  // cpuPct is of one host CPU: a guest with two busy vCPUs reads 200 %.
  { id: 'cpu', title: 'CPU (100 % = one host CPU)', format: formatPercent, floorMax: 100, lines: [{ name: 'CPU', key: 'cpuPct', tone: 0 }] },
  {
    id: 'memory', title: 'Memory used by the guest', format: formatMiB, bytes: true, floorMax: 256,
    empty: 'No memory statistics: the guest reports none (it needs a balloon driver).',
    lines: [{ name: 'Used', key: 'memUsedMiB', tone: 1 }],
  },
  { id: 'disk', title: 'Disk read / write', format: formatRate, bytes: true, floorMax: 1024, lines: [{ name: 'Read', key: 'diskReadBps', tone: 0 }, { name: 'Write', key: 'diskWriteBps', tone: 2 }] },
  { id: 'network', title: 'Network received / sent', format: formatRate, bytes: true, floorMax: 1024, lines: [{ name: 'Received', key: 'netRxBps', tone: 1 }, { name: 'Sent', key: 'netTxBps', tone: 3 }] },
];

export const HOST_CHARTS: readonly ChartDef<HostKey>[] = [
  { id: 'host-cpu', title: 'Host CPU (100 % = every CPU busy)', format: formatPercent, floorMax: 100, lines: [{ name: 'CPU', key: 'cpuPct', tone: 0 }] },
  { id: 'host-memory', title: 'Host memory', format: formatMiB, bytes: true, lines: [{ name: 'Used', key: 'memUsedMiB', tone: 1 }, { name: 'Total', key: 'memTotalMiB', tone: 3 }] },
];

/** The live view's lines: one per metric, from the socket's samples. */
export function liveSeries<K extends string>(def: ChartDef<K>, points: readonly LivePoint<Record<K, unknown>>[]): ChartSeries[] {
  return def.lines.map((l) => ({
    name: l.name, tone: l.tone,
    points: points.map((p) => [p.t, typeof p.s[l.key] === 'number' ? (p.s[l.key] as number) : null] as const),
  }));
}

/** A history range's lines: the average solid and the maximum dashed, per metric. */
export function historySeries<K extends string>(def: ChartDef<K>, points: readonly ({ at: string } & Record<K, unknown>)[]): ChartSeries[] {
  const stat = (p: Record<K, unknown>, k: K) => (p[k] as MetricStat | null | undefined) ?? null;
  const ts = points.map((p) => Date.parse(p.at));
  return def.lines.flatMap((l) => [
    { name: `${l.name} avg`, tone: l.tone, points: points.map((p, i) => [ts[i]!, stat(p, l.key)?.avg ?? null] as const) },
    { name: `${l.name} max`, tone: l.tone, dashed: true, points: points.map((p, i) => [ts[i]!, stat(p, l.key)?.max ?? null] as const) },
  ]);
}
