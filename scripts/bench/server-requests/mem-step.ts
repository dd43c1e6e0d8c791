// One rung of profile.ts's memory ladder: a process that loads one piece of what Ferry loads,
// then idles, so its VmRSS can be compared with the others'. Started by profile.ts with the same
// node flags as Ferry (`--max-semi-space-size=32 --import tsx`…). It answers HTTP on
// BENCH_PORT once the piece is loaded (that is how profile.ts knows it is ready).
//
// BENCH_STEP:
//   empty      nothing (node + the tsx loader + a node:http listener)
//   worker-js  + one worker_threads Worker on a plain .mjs entry, no Node options (execArgv: []),
//              as @ferry/libvirt starts its Workers from their setup-time bundles
//   worker-ts  + one Worker as @ferry/libvirt starts it without bundles (bootstrap.mjs registers
//              tsx on the Worker's thread, then imports a .ts entry)
//   modules    + Ferry's whole server module graph (apps/server/src/app.ts and everything it
//              imports: Fastify and plugins, zod contract, swagger, better-sqlite3…), not started
//   sqlite     + Ferry's database opened (better-sqlite3, migrations) on BENCH_DATA_DIR
//   libvirt    + @ferry/libvirt started (event-loop Worker + call pool) and qemu:///system opened
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';

const step = process.env.BENCH_STEP ?? 'empty';
const keep: unknown[] = [];

switch (step) {
  case 'empty':
    break;
  case 'worker-js':
    keep.push(new Worker(new URL('./idle-worker.mjs', import.meta.url), { execArgv: [] }));
    break;
  case 'worker-ts':
    keep.push(new Worker(new URL('../../../packages/libvirt/src/worker/bootstrap.mjs', import.meta.url), {
      workerData: { entry: new URL('./idle-worker.ts', import.meta.url).href }, execArgv: [],
    }));
    break;
  case 'modules':
    keep.push(await import('../../../apps/server/src/app.ts'));
    break;
  case 'sqlite': {
    const { openDatabase } = await import('../../../apps/server/src/db/database.ts');
    keep.push(openDatabase(process.env.BENCH_DATA_DIR!));
    break;
  }
  case 'libvirt': {
    const { Libvirt } = await import('../../../packages/libvirt/src/index.ts');
    const lv = await Libvirt.start();
    keep.push(lv, await lv.open(process.env.BENCH_LIBVIRT_URI ?? 'qemu:///system'));
    break;
  }
  default:
    throw new Error(`unknown BENCH_STEP ${step}`);
}

const server = createServer((_req, res) => res.end('ok'));
server.listen(Number(process.env.BENCH_PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
