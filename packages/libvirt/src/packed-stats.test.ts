// The packed form of getAllDomainStats: what goes in comes out, '#' patterns keep device
// params, missing params read as NaN, and the real call through a pool Worker packs the same
// answer getAllDomainStats gives; the Worker's reply moves the numbers rather than copying them.
import { describe, expect, it } from 'vitest';
import { constants as C } from './index.ts';
import { packDomainStats, paramPattern, unpackDomainStats } from './packed-stats.ts';
import type { DomainStatsRecord } from './types.ts';
import { useTestDriver } from './test-support/test-driver.ts';
import { takeTransfers, transferWithReply } from './worker/transfer.ts';
import { MessageChannel } from 'node:worker_threads';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const records: DomainStatsRecord[] = [
  { uuid: A, name: 'a', stats: { 'cpu.time': 2 ** 53 - 1, 'block.count': 2, 'block.0.name': 'vda', 'block.0.rd.bytes': 10, 'block.1.name': 'vdb', 'block.1.rd.bytes': 20, 'net.count': 0 } },
  // A param missing (cpu.time), a new one (balloon.current), a boolean, a shared string value.
  { uuid: B, name: 'b', stats: { 'balloon.current': 1024, 'block.count': 1, 'block.0.name': 'vda', 'block.0.rd.bytes': 5, 'vcpu.0.online': true } },
];

describe('packed domain stats', () => {
  it('round-trips every param, numbers exactly, strings once per distinct value', () => {
    const p = packDomainStats(records);
    expect(p.uuids).toEqual([A, B]);
    expect(p.names).toEqual(['a', 'b']);
    expect(p.values).toHaveLength(2 * p.keys.length);
    expect(p.strings).toEqual(['vda', 'vdb']); // 'vda' twice in the records, once here
    expect(unpackDomainStats(p)).toEqual([
      records[0],
      { ...records[1], stats: { ...records[1]!.stats, 'vcpu.0.online': 1 } }, // booleans come back as 1 / 0
    ]);
  });

  it('reads a param a domain did not report as NaN, in its own row only', () => {
    const p = packDomainStats(records);
    const at = (row: number, key: string) => p.values[row * p.keys.length + p.keys.indexOf(key)];
    expect(at(0, 'cpu.time')).toBe(2 ** 53 - 1);
    expect(at(1, 'cpu.time')).toBeNaN();
    expect(at(0, 'balloon.current')).toBeNaN();
    expect(at(1, 'balloon.current')).toBe(1024);
    expect(p.strings[at(1, 'block.0.name')!]).toBe('vda');
    expect(p.textKeys.map((c) => p.keys[c])).toEqual(['block.0.name', 'block.1.name']);
  });

  it('keeps only the named params, # standing for any device index', () => {
    expect(paramPattern('block.12.rd.bytes')).toBe('block.#.rd.bytes');
    const p = packDomainStats(records, ['cpu.time', 'block.#.rd.bytes']);
    expect(p.keys).toEqual(['cpu.time', 'block.0.rd.bytes', 'block.1.rd.bytes']);
    expect(p.uuids).toEqual([A, B]); // a domain with none of them still has its row
    expect(unpackDomainStats(p)[1]!.stats).toEqual({ 'block.0.rd.bytes': 5 });
  });

  it('packs nothing into an empty table', () => {
    const p = packDomainStats([]);
    expect(p).toMatchObject({ uuids: [], keys: [], strings: [] });
    expect(p.values).toHaveLength(0);
  });
});

describe('getAllDomainStatsPacked (test driver, through the pool)', () => {
  const t = useTestDriver();

  it('answers what getAllDomainStats answers, packed down to the kept params', async () => {
    const plain = await t.conn.getAllDomainStats(C.VIR_DOMAIN_STATS_STATE);
    const packed = await t.conn.getAllDomainStatsPacked(C.VIR_DOMAIN_STATS_STATE, 0, null);
    expect(unpackDomainStats(packed)).toEqual(plain);
    const some = await t.conn.getAllDomainStatsPacked(C.VIR_DOMAIN_STATS_STATE, 0, ['state.state']);
    expect(some.keys).toEqual(['state.state']);
    expect(some.values[some.names.indexOf('test')]).toBe(C.VIR_DOMAIN_RUNNING);
  });

  it('hands its numbers over with the reply instead of copying them', () => {
    const values = new Float64Array(8).fill(1);
    transferWithReply(values);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage({ values }, takeTransfers()); // what call-worker.ts does with each reply
    expect(values.byteLength).toBe(0); // detached here: the memory moved to the receiver
    expect(takeTransfers()).toEqual([]); // registered once, for one reply
    port1.close();
    port2.close();
  });
});
