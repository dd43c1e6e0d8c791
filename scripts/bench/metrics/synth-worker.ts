// A Worker that answers the stats sampler's getAllDomainStatsPacked the way Ferry's pool Worker
// does for a qemu host — libvirt's answer decoded and packed on this thread by the binding's own
// op, the numbers transferred — but with realistic counters (synth-stats.ts): the test driver
// reports only the state group. Its guests are the server's: test:///default is one shared
// driver state per process, so this Worker's own connection sees the domains the server
// defined through its pool. Runs from an esbuild bundle (synth-build.ts builds it).
//
// Protocol: the main thread posts { id, stats, flags, keep }; this Worker replies { id, packed }
// with packed.values' buffer transferred.
import { parentPort } from 'node:worker_threads';
import v8 from 'node:v8';
import { fn, silenceDefaultErrorPrinter, type Ptr } from '../../../packages/libvirt/src/ffi/lib.ts';
import { ops } from '../../../packages/libvirt/src/ops/index.ts';
import { PackedStatsBuilder, keepFilter, type PackedDomainStats } from '../../../packages/libvirt/src/packed-stats.ts';
import { takeTransfers } from '../../../packages/libvirt/src/worker/transfer.ts';
import { SyntheticStats } from './synth-stats.ts';

export interface SynthRequest { id: number; stats: number; flags: number; keep: readonly string[] | null }
/** heapMb: this Worker's V8 heap (reserved), which is part of the server's RSS but not Ferry's; newSpaceMb: its young generation (resident). */
export interface SynthReply { id: number; packed: PackedDomainStats; heapMb: number; newSpaceMb: number }

silenceDefaultErrorPrinter();
const conn = fn.virConnectOpen('test:///default') as Ptr | null;
if (!conn) throw new Error('virConnectOpen(test:///default) failed in the synthetic-stats Worker');
const synth = new SyntheticStats();

parentPort!.on('message', ({ id, stats, flags, keep }: SynthRequest) => {
  const real = ops.connectGetAllDomainStatsPacked(conn, stats, flags, null); // every param: state.*
  takeTransfers(); // that one stays here
  // Domain by domain into the builder, as the binding's op decodes them: a record object
  // dies as soon as it is packed, so this thread's garbage is short-lived like the pool
  // Worker's (all 1,000 records alive at once made its young generation grow, in RSS).
  const b = new PackedStatsBuilder(keepFilter(keep));
  const state = real.keys.indexOf('state.state'), reason = real.keys.indexOf('state.reason');
  for (let row = 0; row < real.uuids.length; row++) {
    const at = (c: number) => (c < 0 ? 1 : real.values[row * real.keys.length + c]!);
    const stats = synth.record(real.uuids[row]!, { 'state.state': at(state), 'state.reason': at(reason) });
    b.domain(real.uuids[row]!, real.names[row]!);
    for (const key in stats) b.param(key, stats[key]!);
  }
  const packed = b.finish();
  parentPort!.postMessage({ id, packed, heapMb: v8.getHeapStatistics().total_heap_size / 2 ** 20,
    newSpaceMb: (v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.physical_space_size ?? NaN) / 2 ** 20 } satisfies SynthReply, [packed.values.buffer as ArrayBuffer]);
});
