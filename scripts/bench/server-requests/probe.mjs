// Preload for profile.ts (`node … --import ./probe.mjs apps/server/src/main.ts`): reports the
// V8 heap of every JavaScript thread of the process it is loaded into, without changing the
// server's code. Loaded on the main thread only (Node 20 runs --import there alone).
//
// - Main thread: process.memoryUsage() and v8.getHeapStatistics().
// - Workers: worker_threads.Worker is replaced (before the server imports it) by a subclass that
//   starts every Worker on probe-worker.mjs, which imports the real entry with the same
//   workerData; the Worker then reports its own heap over a BroadcastChannel.
// - Node's internal module-hooks threads (one per thread that registers tsx) cannot be reached
//   from JavaScript: they are what remains of RSS after the others.
// On SIGUSR2 the main thread asks for reports and, 300 ms later, writes everything as JSON to
// BENCH_PROBE_OUT.
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

export const CHANNEL = 'ferry-bench-probe';

export function heapOf() {
  const h = v8.getHeapStatistics();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]));
  return {
    totalPhysical: h.total_physical_size, totalHeap: h.total_heap_size, usedHeap: h.used_heap_size,
    malloced: h.malloced_memory, external: h.external_memory, nativeContexts: h.number_of_native_contexts, spaces,
  };
}

const out = process.env.BENCH_PROBE_OUT;
if (wt.isMainThread && out) {
  const reports = new Map();
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e) => {
    if (e.data && typeof e.data === 'object') reports.set(e.data.threadId, e.data);
  };
  channel.unref();

  const wrapper = new URL('./probe-worker.mjs', import.meta.url);
  const Original = wt.Worker;
  wt.Worker = class ProbedWorker extends Original {
    constructor(filename, options = {}) {
      if (options.eval) {
        super(filename, options);
        return;
      }
      const s = String(filename);
      const href = filename instanceof URL || /^(file|data):/.test(s) ? s : pathToFileURL(resolve(s)).href;
      super(wrapper, { ...options, argv: [...(options.argv ?? []), `--bench-probe-entry=${href}`] });
    }
  };
  syncBuiltinESMExports();

  process.on('SIGUSR2', () => {
    channel.postMessage('report');
    setTimeout(() => {
      const mu = process.memoryUsage();
      writeFileSync(out, JSON.stringify({ main: { threadId: 0, entry: 'main', ...heapOf() }, memoryUsage: mu, workers: [...reports.values()] }));
    }, 300);
  });
}
