// Entry point of every binding Worker. Node 20 cannot load TypeScript by itself, and the
// package ships TypeScript source (no build step), so a Worker started on a .ts entry first
// registers tsx's loader on its own thread, then imports the real entry.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
