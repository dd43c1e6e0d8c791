// Connection-level operations, run inside a pool Worker. A connection pointer is shared
// by every Worker (libvirt connections are thread-safe); only errors are per thread.
import { fn, type Ptr } from '../ffi/lib.ts';
import { checkInt, checkPtr, checkString, num } from '../ffi/call.ts';
import type { NodeInfo } from '../types.ts';

const versionString = (n: number): string => `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`;

// virNodeCPUStats and virNodeMemoryStats share one layout: char field[80]; unsigned long long
// value. libvirt fills a caller-allocated array; asked with NULL and 0 first, it says how many.
const NODE_STAT_SIZE = 88;
const NODE_STAT_FIELD = 80;
function nodeStats(fnName: string, call: (params: Buffer | null, n: number[]) => number): Record<string, number> {
  const n = [0];
  checkInt(fnName, call(null, n));
  if (n[0]! <= 0) return {};
  const buf = Buffer.alloc(n[0]! * NODE_STAT_SIZE);
  checkInt(fnName, call(buf, n));
  const out: Record<string, number> = {};
  for (let i = 0; i < n[0]!; i++) {
    const base = i * NODE_STAT_SIZE;
    const nul = buf.indexOf(0, base);
    const end = nul < 0 || nul > base + NODE_STAT_FIELD ? base + NODE_STAT_FIELD : nul;
    out[buf.toString('latin1', base, end)] = num(buf.readBigUInt64LE(base + NODE_STAT_FIELD));
  }
  return out;
}

export const connectionOps = {
  connectOpen(uri: string, readOnly: boolean): Ptr {
    return readOnly
      ? checkPtr('virConnectOpenReadOnly', fn.virConnectOpenReadOnly(uri))
      : checkPtr('virConnectOpen', fn.virConnectOpen(uri));
  },
  /** Returns libvirt's remaining reference count (0: really closed). */
  connectClose(conn: Ptr): number {
    return checkInt('virConnectClose', fn.virConnectClose(conn));
  },
  /** Returns false where the driver has no keepalive (e.g. local test driver). */
  connectSetKeepAlive(conn: Ptr, intervalS: number, count: number): boolean {
    return checkInt('virConnectSetKeepAlive', fn.virConnectSetKeepAlive(conn, intervalS, count)) === 0;
  },
  connectRegisterCloseCallback(conn: Ptr, callback: Ptr, opaque: number): void {
    checkInt('virConnectRegisterCloseCallback', fn.virConnectRegisterCloseCallback(conn, callback, BigInt(opaque), null));
  },
  connectUnregisterCloseCallback(conn: Ptr, callback: Ptr): void {
    checkInt('virConnectUnregisterCloseCallback', fn.virConnectUnregisterCloseCallback(conn, callback));
  },
  connectIsAlive(conn: Ptr): boolean {
    return checkInt('virConnectIsAlive', fn.virConnectIsAlive(conn)) === 1;
  },
  connectGetHostname(conn: Ptr): string {
    return checkString('virConnectGetHostname', fn.virConnectGetHostname(conn));
  },
  connectGetURI(conn: Ptr): string {
    return checkString('virConnectGetURI', fn.virConnectGetURI(conn));
  },
  connectGetType(conn: Ptr): string {
    return checkString('virConnectGetType', fn.virConnectGetType(conn));
  },
  connectGetLibVersion(conn: Ptr): string {
    const v = [0];
    checkInt('virConnectGetLibVersion', fn.virConnectGetLibVersion(conn, v));
    return versionString(num(v[0]!));
  },
  connectGetVersion(conn: Ptr): string {
    const v = [0];
    checkInt('virConnectGetVersion', fn.virConnectGetVersion(conn, v));
    return versionString(num(v[0]!));
  },
  connectGetCapabilities(conn: Ptr): string {
    return checkString('virConnectGetCapabilities', fn.virConnectGetCapabilities(conn));
  },
  connectGetDomainCapabilities(conn: Ptr, emulator: string | null, arch: string | null, machine: string | null, virtType: string | null): string {
    return checkString('virConnectGetDomainCapabilities', fn.virConnectGetDomainCapabilities(conn, emulator, arch, machine, virtType, 0));
  },
  /** virCPUCompareResult: 0 incompatible, 1 identical, 2 superset. */
  connectCompareCPU(conn: Ptr, cpuXml: string, flags: number): number {
    return checkInt('virConnectCompareCPU', fn.virConnectCompareCPU(conn, cpuXml, flags));
  },
  connectBaselineCPU(conn: Ptr, cpuXmls: string[], flags: number): string {
    return checkString('virConnectBaselineCPU', fn.virConnectBaselineCPU(conn, cpuXmls, cpuXmls.length, flags));
  },
  nodeGetInfo(conn: Ptr): NodeInfo {
    const info = {} as { model: string; memory: number | bigint; cpus: number; mhz: number; nodes: number; sockets: number; cores: number; threads: number };
    checkInt('virNodeGetInfo', fn.virNodeGetInfo(conn, info));
    return { model: info.model, memoryKiB: num(info.memory), cpus: info.cpus, mhz: info.mhz, nodes: info.nodes, sockets: info.sockets, cores: info.cores, threads: info.threads };
  },
  /** Free memory in bytes (0 with an error set means failure). */
  nodeGetFreeMemory(conn: Ptr): number {
    fn.virResetLastError();
    const v = num(fn.virNodeGetFreeMemory(conn) as number | bigint);
    if (v === 0 && fn.virGetLastError()) checkInt('virNodeGetFreeMemory', -1);
    return v;
  },
  /** Cumulative host CPU times in ns (kernel, user, idle, iowait …) of one CPU or all (-1). */
  nodeGetCPUStats(conn: Ptr, cpuNum: number): Record<string, number> {
    return nodeStats('virNodeGetCPUStats', (params, n) => fn.virNodeGetCPUStats(conn, cpuNum, params, n, 0));
  },
  /** Host memory in KiB (total, free, buffers, cached) of one NUMA cell or all (-1). */
  nodeGetMemoryStats(conn: Ptr, cellNum: number): Record<string, number> {
    return nodeStats('virNodeGetMemoryStats', (params, n) => fn.virNodeGetMemoryStats(conn, cellNum, params, n, 0));
  },
  streamNew(conn: Ptr, flags: number): Ptr {
    return checkPtr('virStreamNew', fn.virStreamNew(conn, flags));
  },
  streamFinish(stream: Ptr): void {
    checkInt('virStreamFinish', fn.virStreamFinish(stream));
  },
  streamAbort(stream: Ptr): void {
    checkInt('virStreamAbort', fn.virStreamAbort(stream));
  },
  streamFree(stream: Ptr): void {
    checkInt('virStreamFree', fn.virStreamFree(stream));
  },
};

