// Rate derivation from hand-made getAllDomainStats records (the keys libvirt's qemu driver uses).
import { describe, expect, it } from 'vitest';
import { packDomainStats, type TypedParams } from '@ferry/libvirt';
import { COUNTER_PARAMS, counterColumns, deriveVm, hostCpuPct, hostMemory, increase, newCounters, readPackedCounters, type VmCounters } from './derive.ts';

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const GiB = 2 ** 30;

/** A running guest with one disk and one NIC, counters as given. */
function record(o: { cpuNs?: number; vcpus?: number; rd?: number; wr?: number; rdReqs?: number; wrReqs?: number; rx?: number; tx?: number; disks?: string[]; nics?: string[] } = {}): TypedParams {
  const s: TypedParams = { 'state.state': 1, 'state.reason': 1, 'vcpu.current': o.vcpus ?? 2, 'vcpu.maximum': 2 };
  if (o.cpuNs !== undefined) Object.assign(s, { 'cpu.time': o.cpuNs, 'cpu.user': 0, 'cpu.system': 0 });
  const disks = o.disks ?? ['vda'];
  s['block.count'] = disks.length;
  disks.forEach((name, i) => Object.assign(s, {
    [`block.${i}.name`]: name, [`block.${i}.rd.bytes`]: (o.rd ?? 0) / disks.length, [`block.${i}.wr.bytes`]: (o.wr ?? 0) / disks.length,
    [`block.${i}.rd.reqs`]: (o.rdReqs ?? 0) / disks.length, [`block.${i}.wr.reqs`]: (o.wrReqs ?? 0) / disks.length,
  }));
  const nics = o.nics ?? ['vnet0'];
  s['net.count'] = nics.length;
  nics.forEach((name, i) => Object.assign(s, { [`net.${i}.name`]: name, [`net.${i}.rx.bytes`]: (o.rx ?? 0) / nics.length, [`net.${i}.tx.bytes`]: (o.tx ?? 0) / nics.length }));
  return s;
}

/** One record's counters, through the packed path the sampler uses. */
function readCounters(s: TypedParams): VmCounters {
  const p = packDomainStats([{ uuid: '', name: '', stats: s }], COUNTER_PARAMS);
  return readPackedCounters(p, counterColumns(p), 0, newCounters());
}

/** A record's guest memory as the sampler derives it; null unless the guest reports it. */
function guestMemory(s: TypedParams): { usedMiB: number; availableMiB: number } | null {
  const c = readCounters(s);
  return c.memUsedMiB === null || c.memAvailableMiB === null ? null : { usedMiB: c.memUsedMiB, availableMiB: c.memAvailableMiB };
}

describe('VM rates', () => {
  it('derives CPU %, disk and network rates summed over devices', () => {
    const prev = readCounters(record({ cpuNs: 10e9, rd: 1000, wr: 0, rdReqs: 10, rx: 0, tx: 500, disks: ['vda', 'vdb'], nics: ['vnet0', 'vnet1'] }));
    const cur = readCounters(record({ cpuNs: 11e9, rd: 5000, wr: 2 * GiB, rdReqs: 30, wrReqs: 4, rx: 8000, tx: 1500, disks: ['vda', 'vdb'], nics: ['vnet0', 'vnet1'] }));
    expect(deriveVm(VM, prev, cur, 2)).toEqual({
      vmId: VM, cpuPct: 50, memUsedMiB: null, memAvailableMiB: null,
      diskReadBps: 2000, diskWriteBps: GiB, diskReadIops: 10, diskWriteIops: 2, netRxBps: 4000, netTxBps: 500,
    });
  });

  it('never reports a negative rate when counters reset (the guest restarted)', () => {
    const prev = readCounters(record({ cpuNs: 500e9, rd: 1e9, wr: 1e9, rdReqs: 1e5, wrReqs: 1e5, rx: 1e9, tx: 1e9 }));
    const cur = readCounters(record({ cpuNs: 1e9, rd: 4000, wr: 0, rdReqs: 2, wrReqs: 0, rx: 200, tx: 0 }));
    const s = deriveVm(VM, prev, cur, 2);
    // The new values are the increase since the reset.
    expect(s).toMatchObject({ cpuPct: 50, diskReadBps: 2000, diskWriteBps: 0, diskReadIops: 1, netRxBps: 100, netTxBps: 0 });
    for (const v of Object.values(s)) if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(0);
    expect(increase(5, 7)).toBe(5);
  });

  it('re-baselines a device group whose set changed (hot-plug), instead of a spike', () => {
    const prev = readCounters(record({ cpuNs: 0, rd: 100, rx: 100, disks: ['vda'] }));
    const cur = readCounters(record({ cpuNs: 0, rd: 9e12, rx: 300, disks: ['vda', 'sdb'] }));
    expect(deriveVm(VM, prev, cur, 2)).toMatchObject({ diskReadBps: 0, diskReadIops: 0, netRxBps: 100 });
  });

  it('caps CPU at 100 % per vCPU, and reports 0 without CPU counters', () => {
    const s = deriveVm(VM, readCounters(record({ cpuNs: 0, vcpus: 2 })), readCounters(record({ cpuNs: 4.6e9, vcpus: 2 })), 2);
    expect(s.cpuPct).toBe(200);
    expect(deriveVm(VM, readCounters(record()), readCounters(record()), 2).cpuPct).toBe(0);
  });

  it('treats a record with no block or net groups as zero traffic', () => {
    const bare = { 'state.state': 1, 'state.reason': 0 };
    expect(deriveVm(VM, readCounters(bare), readCounters(bare), 2)).toMatchObject({ cpuPct: 0, diskReadBps: 0, netTxBps: 0, memUsedMiB: null });
  });
});

describe('guest memory', () => {
  it('is MemTotal − MemAvailable when the guest reports both', () => {
    expect(guestMemory({ 'balloon.current': 2 * 1024 * 1024, 'balloon.available': 2000 * 1024, 'balloon.usable': 1500 * 1024, 'balloon.unused': 1000 * 1024 }))
      .toEqual({ usedMiB: 500, availableMiB: 1500 });
  });

  it('falls back to current − unused for guests that do not report usable', () => {
    expect(guestMemory({ 'balloon.current': 1024 * 1024, 'balloon.unused': 256 * 1024 })).toEqual({ usedMiB: 768, availableMiB: 256 });
  });

  it('is null when the guest reports nothing (no balloon driver or stats period)', () => {
    expect(guestMemory({ 'balloon.current': 1024 * 1024, 'balloon.maximum': 1024 * 1024 })).toBeNull();
    expect(readCounters({ 'balloon.current': 1024 * 1024 })).toMatchObject({ memUsedMiB: null, memAvailableMiB: null });
  });
});

describe('host', () => {
  it('CPU busy % is 100 − the idle and iowait share of all time', () => {
    const prev = { kernel: 100e9, user: 300e9, idle: 1000e9, iowait: 10e9 };
    const cur = { kernel: 110e9, user: 330e9, idle: 1055e9, iowait: 15e9 };
    expect(hostCpuPct(prev, cur)).toBe(40); // busy 40 of 100 s
    expect(hostCpuPct(cur, cur)).toBe(0); // the test driver's constant times
    expect(hostCpuPct(prev, { utilization: 12 })).toBe(12);
  });

  it('memory used leaves out buffers and page cache, like free(1)', () => {
    expect(hostMemory({ total: 8 * 1024 * 1024, free: 2 * 1024 * 1024, buffers: 512 * 1024, cached: 1536 * 1024 })).toEqual({ usedMiB: 4096, totalMiB: 8192 });
    expect(hostMemory({ total: 1024 })).toBeNull();
  });
});

describe('counters read from a packed answer into reused objects', () => {
  const pack = (stats: TypedParams[]) => packDomainStats(stats.map((s, i) => ({ uuid: `vm-${i}`, name: `vm-${i}`, stats: s })), COUNTER_PARAMS);
  const read = (p: ReturnType<typeof pack>, row: number, into = newCounters()) => readPackedCounters(p, counterColumns(p), row, into);

  it('reads each VM from its own row; a param one VM lacks is missing for it alone', () => {
    const p = pack([record({ cpuNs: 5e9, rd: 100 }), { ...record({ rd: 300, disks: ['vda', 'vdb'] }), 'balloon.available': 2048 * 1024, 'balloon.usable': 1024 * 1024 }]);
    expect(read(p, 0)).toMatchObject({ cpuNs: 5e9, rdBytes: 100, blockNames: ['vda'], memUsedMiB: null });
    expect(read(p, 1)).toMatchObject({ cpuNs: null, rdBytes: 300, blockNames: ['vda', 'vdb'], memUsedMiB: 1024, memAvailableMiB: 1024 });
    expect(read(p, 0)).toEqual(readCounters(record({ cpuNs: 5e9, rd: 100 }))); // the same reading as one record alone
  });

  it('overwrites a reused object completely: nothing of the earlier VM or sample is left', () => {
    const reused = read(pack([{ ...record({ cpuNs: 9e9, rd: 900, rx: 50, disks: ['vda', 'vdb'], nics: ['vnet0', 'vnet1'] }), 'balloon.current': 4096, 'balloon.unused': 1024 }]), 0);
    const bare = pack([{ 'state.state': 1 }]);
    expect(read(bare, 0, reused)).toEqual(newCounters());
  });

  it('derives across packed answers: a reset counter and a hot-plugged disk as for records', () => {
    const a = pack([record({ cpuNs: 500e9, rd: 1e9, rx: 100, disks: ['vda'] })]);
    const b = pack([record({ cpuNs: 1e9, rd: 9e12, rx: 300, disks: ['vda', 'sdb'] })]);
    const prev = read(a, 0);
    const cur = read(b, 0);
    expect(deriveVm(VM, prev, cur, 2)).toMatchObject({ cpuPct: 50, diskReadBps: 0, netRxBps: 100 });
    // The next round reads into the object that held `prev`: same disks now, so rates again.
    const next = read(pack([record({ cpuNs: 3e9, rd: 9e12 + 4000, rx: 700, disks: ['vda', 'sdb'] })]), 0, prev);
    expect(deriveVm(VM, cur, next, 2)).toMatchObject({ cpuPct: 100, diskReadBps: 2000, netRxBps: 200 });
  });
});
