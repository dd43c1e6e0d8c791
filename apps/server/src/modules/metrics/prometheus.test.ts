// The exposition parsed back line by line, as a Prometheus scraper reads it.
import { describe, expect, it } from 'vitest';
import { collect, escapeLabelValue, render, type HostView } from './prometheus.ts';

const A = '00000000-0000-4000-8000-00000000000a';

interface Parsed { help: Map<string, string>; type: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] }

/** A strict reader of format 0.0.4: every line is HELP, TYPE or a sample, label values unescaped. */
function parse(text: string): Parsed {
  expect(text.endsWith('\n')).toBe(true);
  const out: Parsed = { help: new Map(), type: new Map(), samples: [] };
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) { out.help.set(m[1]!, m[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\')); continue; }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    if (m) { out.type.set(m[1]!, m[2]!); continue; }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `not a valid exposition line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = m![2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let consumed = 0;
    for (let lm; (lm = re.exec(body));) {
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = re.lastIndex;
    }
    expect(consumed, `labels not fully parsed: ${body}`).toBe(body.length);
    expect(out.type.has(m![1]!), `sample before its TYPE: ${line}`).toBe(true);
    out.samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return out;
}

const NOW = Date.UTC(2030, 0, 1);
const host = (over: Partial<HostView> = {}): HostView => ({
  id: 'local', name: 'Local "lab"', connected: true, skippedTicks: 2,
  latest: {
    atMs: NOW - 1000,
    names: new Map([[A, 'web\\01 "prod"\nline2']]),
    message: {
      type: 'stats', hostId: 'local', at: new Date(NOW - 1000).toISOString(), intervalS: 2,
      host: { cpuPct: 12.5, memUsedMiB: 1024, memTotalMiB: 4096 },
      vms: [{ vmId: A, cpuPct: 150, memUsedMiB: null, memAvailableMiB: null, diskReadBps: 1e6, diskWriteBps: 0, diskReadIops: 2.5, diskWriteIops: 0, netRxBps: 10, netTxBps: 20 }],
    },
  },
  ...over,
});

describe('Prometheus exposition', () => {
  it('parses back: per-VM and per-host gauges with escaped labels, HELP and TYPE for each', () => {
    const p = parse(render(collect([host()], NOW, 10_000)));
    const cpu = p.samples.find((s) => s.name === 'ferry_vm_cpu_percent');
    expect(cpu).toEqual({ name: 'ferry_vm_cpu_percent', labels: { vm_id: A, vm_name: 'web\\01 "prod"\nline2', host_id: 'local' }, value: 150 });
    expect(p.type.get('ferry_vm_cpu_percent')).toBe('gauge');
    expect(p.type.get('ferry_stats_skipped_ticks_total')).toBe('counter');
    const one = (name: string) => p.samples.filter((s) => s.name === name).map((s) => s.value);
    expect(one('ferry_host_up')).toEqual([1]);
    expect(one('ferry_host_cpu_percent')).toEqual([12.5]);
    expect(one('ferry_host_memory_total_bytes')).toEqual([4096 * 2 ** 20]);
    expect(one('ferry_vm_disk_read_ops_per_second')).toEqual([2.5]);
    expect(one('ferry_stats_skipped_ticks_total')).toEqual([2]);
    expect(one('ferry_stats_last_sample_timestamp_seconds')).toEqual([(NOW - 1000) / 1000]);
    // A guest that reports no memory has no memory series rather than a made-up 0.
    expect(one('ferry_vm_memory_used_bytes')).toEqual([]);
    expect(p.samples.find((s) => s.name === 'ferry_host_up')!.labels).toEqual({ host_id: 'local', host_name: 'Local "lab"' });
    for (const name of p.type.keys()) expect(p.help.get(name)).toBeTruthy();
  });

  it('leaves out a host\'s stale sample but still says it is down', () => {
    const p = parse(render(collect([host({ connected: false, latest: { ...host().latest!, atMs: NOW - 60_000 } })], NOW, 10_000)));
    expect(p.samples.filter((s) => s.name === 'ferry_host_up').map((s) => s.value)).toEqual([0]);
    expect(p.samples.some((s) => s.name.startsWith('ferry_vm_'))).toBe(false);
    expect(p.samples.some((s) => s.name === 'ferry_host_cpu_percent')).toBe(false);
  });

  it('escapes backslash, quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
});
