// The main thread's side of synth-worker.ts: stands in for a connection's
// getAllDomainStatsPacked, answering with realistic counters packed off the main thread.
import { Worker } from 'node:worker_threads';
import type { PackedDomainStats } from '../../../packages/libvirt/src/index.ts';
import type { SynthReply, SynthRequest } from './synth-worker.ts';

const bootstrap = new URL('../../../packages/libvirt/src/worker/bootstrap.mjs', import.meta.url);
const entry = new URL('./synth-worker.ts', import.meta.url).href;

export class SynthStatsWorker {
  private readonly worker = new Worker(bootstrap, { workerData: { entry }, execArgv: [] });
  private readonly waiting = new Map<number, (p: PackedDomainStats) => void>();
  private next = 0;
  /** The Worker's V8 heap at its last answer (MB). */
  heapMb = NaN;
  /** Its young generation (resident, MB) at its last answer. */
  newSpaceMb = NaN;

  constructor() {
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
