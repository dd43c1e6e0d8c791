// The sampler against fake connections and a fake clock: one bulk call per host per tick,
// baselines, VMs coming and going, no pile-up behind a slow host, reconnects.
import { describe, expect, it } from 'vitest';
import { LibvirtError, constants as C, packDomainStats, type PackedDomainStats } from '@ferry/libvirt';
import { STATS_FLAGS, STATS_GROUPS, StatsSampler, type HostStats, type StatsSource } from './stats-sampler.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

class FakeSource implements StatsSource {
  calls: string[] = [];
  cpuNs = new Map<string, number>();
  hostCpu = { kernel: 0, user: 0, idle: 0, iowait: 0 };
  gate: Promise<void> | null = null;
  memStats = true;

  async getAllDomainStatsPacked(stats: number, flags: number, keep: readonly string[] | null): Promise<PackedDomainStats> {
    this.calls.push(`all:${stats}:${flags}`);
    if (this.gate) await this.gate;
    return packDomainStats([...this.cpuNs].map(([uuid, ns]) => ({ uuid, name: `vm-${uuid.slice(-1)}`, stats: { 'state.state': 1, 'cpu.time': ns, 'block.count': 0, 'net.count': 0 } })), keep);
  }
  async getNodeCPUStats() { this.calls.push('cpu'); return { ...this.hostCpu }; }
  async getNodeMemoryStats() {
    this.calls.push('mem');
    if (!this.memStats) throw new LibvirtError({ code: C.VIR_ERR_NO_SUPPORT, message: 'not supported' });
    return { total: 4096 * 1024, free: 1024 * 1024 };
  }
  async getNodeInfo() { this.calls.push('info'); return { memoryKiB: 8192 * 1024 }; }
  async getFreeMemory() { this.calls.push('free'); return 2048 * 1024 * 1024; }
}

function setup(sources: Record<string, FakeSource | null>) {
  let now = Date.UTC(2030, 0, 1);
  const out: HostStats[] = [];
  const current = { ...sources };
  const sampler = new StatsSampler({
    intervalS: 2,
    now: () => now,
    hosts: () => Object.keys(current).map((id) => ({ id, currentConnection: () => current[id] ?? null })),
    sink: (s) => out.push(s),
  });
  return { sampler, out, current, advance: (ms: number) => { now += ms; } };
}

describe('StatsSampler', () => {
  it('makes one bulk stats call per host per tick and publishes rates from the second on', async () => {
    const src = new FakeSource();
    src.cpuNs.set(A, 0);
    const { sampler, out, advance } = setup({ local: src });
    await sampler.tick();
    expect(out).toEqual([]); // a rate needs two readings
    expect(src.calls.filter((c) => c.startsWith('all'))).toEqual([`all:${STATS_GROUPS}:${STATS_FLAGS}`]);

    advance(2000);
    src.cpuNs.set(A, 1e9); // one CPU-second in two seconds
    src.hostCpu = { kernel: 10, user: 10, idle: 80, iowait: 0 };
    await sampler.tick();
    expect(out).toHaveLength(1);
    const m = out[0]!.message;
    expect(m).toMatchObject({ type: 'stats', hostId: 'local', intervalS: 2, at: new Date(Date.UTC(2030, 0, 1) + 2000).toISOString() });
    expect(m.vms).toEqual([expect.objectContaining({ vmId: A, cpuPct: 50 })]);
    expect(m.host).toEqual({ cpuPct: 20, memUsedMiB: 3072, memTotalMiB: 4096 });
    expect(out[0]!.names.get(A)).toBe('vm-a');
    expect(src.calls.filter((c) => c.startsWith('all'))).toHaveLength(2);
  });

  it('samples a new VM from its second reading and drops one that stopped', async () => {
    const src = new FakeSource();
    src.cpuNs.set(A, 0);
    const { sampler, out, advance } = setup({ local: src });
    await sampler.tick();
    advance(2000);
    src.cpuNs.set(B, 5e9); // appears
    await sampler.tick();
    expect(out.at(-1)!.message.vms.map((v) => v.vmId)).toEqual([A]);
    advance(2000);
    src.cpuNs.set(B, 6e9);
    await sampler.tick();
    expect(out.at(-1)!.message.vms.map((v) => [v.vmId, v.cpuPct])).toEqual([[A, 0], [B, 50]]);
    advance(2000);
    src.cpuNs.delete(A); // shut down
    await sampler.tick();
    expect(out.at(-1)!.message.vms.map((v) => v.vmId)).toEqual([B]);
    advance(2000);
    src.cpuNs.set(A, 900e9); // back (restarted): a baseline again, not a rate against its old counters
    src.cpuNs.set(B, 8e9);
    await sampler.tick();
    expect(out.at(-1)!.message.vms.map((v) => [v.vmId, v.cpuPct])).toEqual([[B, 100]]);
    advance(2000);
    src.cpuNs.set(A, 901e9);
    src.cpuNs.set(B, 9e9);
    await sampler.tick();
    expect(out.at(-1)!.message.vms.map((v) => [v.vmId, v.cpuPct])).toEqual([[B, 50], [A, 50]]); // A is listed last now
  });

  it('skips a host whose previous round is still running, without piling up calls', async () => {
    const slow = new FakeSource();
    const fast = new FakeSource();
    let release!: () => void;
    slow.gate = new Promise((r) => { release = r; });
    const { sampler, out, advance } = setup({ slow, fast });
    const first = sampler.tick();
    await new Promise((r) => setImmediate(r)); // the fast host's round completes
    for (let i = 0; i < 3; i++) { advance(2000); await sampler.tick(); }
    expect(slow.calls.filter((c) => c.startsWith('all'))).toHaveLength(1);
    expect(fast.calls.filter((c) => c.startsWith('all'))).toHaveLength(4);
    expect(out.map((s) => s.message.hostId)).toEqual(['fast', 'fast', 'fast']); // the slow one never delays it
    expect(sampler.skippedTicks().get('slow')).toBe(3);
    release();
    await first;
    slow.gate = null;
    advance(2000);
    await sampler.tick();
    expect(slow.calls.filter((c) => c.startsWith('all'))).toHaveLength(2);
  });

  it('starts from a baseline after a reconnect, and forgets a removed host', async () => {
    const first = new FakeSource();
    first.cpuNs.set(A, 100e9);
    const { sampler, out, current, advance } = setup({ local: first });
    await sampler.tick();
    current.local = null; // disconnected
    advance(2000);
    await sampler.tick();
    const second = new FakeSource();
    second.cpuNs.set(A, 1e9); // counters of a restarted daemon's guest
    current.local = second;
    advance(2000);
    await sampler.tick();
    expect(out).toEqual([]); // the reconnect's first round is a baseline
    advance(2000);
    second.cpuNs.set(A, 2e9);
    await sampler.tick();
    expect(out[0]!.message.vms[0]!.cpuPct).toBe(50);
    delete current.local;
    await sampler.tick();
    expect(sampler.skippedTicks().has('local')).toBe(false);
  });

  it('falls back to node info and free memory where node memory stats are unsupported', async () => {
    const src = new FakeSource();
    src.memStats = false;
    const { sampler, out, advance } = setup({ local: src });
    await sampler.tick();
    advance(2000);
    await sampler.tick();
    expect(out[0]!.message.host).toEqual({ cpuPct: 0, memUsedMiB: 6144, memTotalMiB: 8192 });
    expect(src.calls.filter((c) => c === 'mem')).toHaveLength(1); // asked once, then not again
    expect(src.calls.filter((c) => c === 'info')).toHaveLength(1);
  });

  it('keeps sampling when a round fails, and starts again from a baseline', async () => {
    const src = new FakeSource();
    src.cpuNs.set(A, 0);
    const warnings: string[] = [];
    let now = 0;
    const out: HostStats[] = [];
    const sampler = new StatsSampler({ intervalS: 2, now: () => now, hosts: () => [{ id: 'h', currentConnection: () => src }], sink: (s) => out.push(s), log: { warn: (_o, msg) => warnings.push(msg) } });
    await sampler.tick();
    const real = src.getAllDomainStatsPacked.bind(src);
    src.getAllDomainStatsPacked = () => Promise.reject(new Error('boom'));
    now += 2000; await sampler.tick();
    now += 2000; await sampler.tick();
    expect(warnings).toHaveLength(1); // said once, not every interval
    src.getAllDomainStatsPacked = real;
    now += 2000; await sampler.tick();
    expect(out).toEqual([]);
    now += 2000; await sampler.tick();
    expect(out).toHaveLength(1);
  });
});
