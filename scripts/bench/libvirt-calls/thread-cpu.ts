// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in ns. Node 20 has no
// process.threadCpuUsage(), and process.cpuUsage() sums every thread, which cannot tell the
// main thread's share of a pool call from the Workers'.
import { libc } from '../../../packages/libvirt/src/ffi/lib.ts';

const CLOCK_THREAD_CPUTIME_ID = 3;
const clockGettime = libc.func('int clock_gettime(int clk, void *ts)');
const ts = Buffer.alloc(16); // struct timespec on LP64: two 64-bit fields

export function threadCpuNs(): number {
  if (clockGettime(CLOCK_THREAD_CPUTIME_ID, ts) !== 0) throw new Error('clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed');
  return Number(ts.readBigInt64LE(0)) * 1e9 + Number(ts.readBigInt64LE(8));
}
