// The main thread's side of synth-worker.ts: stands in for a connection's
// getAllDomainStatsPacked, answering with realistic counters packed off the main thread.
//
// The Worker runs from plain JavaScript: synth-worker.ts bundled by esbuild (synth-build.ts, run
// by run.ts; koffi stays the package's own import), as Ferry's pool Workers run from their
// bundle. Through tsx it carried tsx's loader on its thread plus a module-hooks thread of its
// own — an isolate whose heap grew ~0.3 MB/min in the server's RSS, for the benchmark's sake only.
import { Worker } from 'node:worker_threads';
import type { PackedDomainStats } from '../../../packages/libvirt/src/index.ts';
import type { SynthReply, SynthRequest } from './synth-worker.ts';

export class SynthStatsWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (p: PackedDomainStats) => void>();
  private next = 0;
  /** The Worker's V8 heap at its last answer (MB). */
  heapMb = NaN;
  /** Its young generation (resident, MB) at its last answer. */
  newSpaceMb = NaN;

  /** file: synth-build.ts's bundle of synth-worker.ts. */
  constructor(file: string) {
    this.worker = new Worker(file, { execArgv: [] });
    this.worker.on('message', ({ id, packed, heapMb, newSpaceMb }: SynthReply) => {
      this.heapMb = heapMb;
      this.newSpaceMb = newSpaceMb;
      this.waiting.get(id)?.(packed);
      this.waiting.delete(id);
    });
    this.worker.unref();
  }

  getAllDomainStatsPacked(stats: number, flags: number, keep: readonly string[] | null): Promise<PackedDomainStats> {
    const id = ++this.next;
    return new Promise((ok) => {
      this.waiting.set(id, ok);
      this.worker.postMessage({ id, stats, flags, keep } satisfies SynthRequest);
    });
  }

  close(): Promise<number> { return this.worker.terminate(); }
}
