// The in-Worker measurement: synchronous koffi calls to virDomainGetInfo on a worker_threads
// Worker, as Ferry's pool Workers make them. Started by harness.ts through Ferry's own
// bootstrap.mjs (which registers tsx's loader on this thread), with this file as
// `workerData.entry`. It opens its own test:///default connection.
//
// Protocol: the main thread posts { kind, n }; this Worker runs n calls of that kind and
// replies with a SyncResult (wall time and this thread's CPU time).
import { parentPort } from 'node:worker_threads';
import { fn, koffi, libvirt, silenceDefaultErrorPrinter, virDomainInfo, type Ptr } from '../../../packages/libvirt/src/ffi/lib.ts';
import { checkPtr } from '../../../packages/libvirt/src/ffi/call.ts';
import { ops } from '../../../packages/libvirt/src/ops/index.ts';
import { readDomainInfo } from '../../../packages/libvirt/src/ops/domain.ts';
import { threadCpuNs } from './thread-cpu.ts';

export type SyncKind =
  // run.ts
  | 'ffi-shipped' | 'ffi-out-object' | 'ffi-void-buffer' | 'op-domainGetInfo'
  // profile.ts only: where the time of an operation goes, and what a leaner one costs
  | 'ffi-void-decode' | 'lookup-free';
export interface SyncRequest { kind: SyncKind; n: number }
export interface SyncResult { kind: SyncKind; n: number; wallNs: number; threadCpuNs: number; sink: number }

silenceDefaultErrorPrinter();

// Minimal marshalling: the same C function declared with a plain pointer parameter, filled
// into one preallocated Buffer (nothing allocated per call, no struct decoding by koffi).
const getInfoVoid = libvirt.func('int virDomainGetInfo(void *dom, void *info)');
// The declaration Ferry used before this benchmark: koffi decodes an object (and a BigInt) per call.
const getInfoOut = libvirt.func('int virDomainGetInfo(void *dom, _Out_ virDomainInfo *info)');
const infoBuf = Buffer.alloc(koffi.sizeof(virDomainInfo));

const conn = fn.virConnectOpen('test:///default') as Ptr | null;
if (!conn) throw new Error('virConnectOpen(test:///default) failed in the bench Worker');
const dom = fn.virDomainLookupByName(conn, 'test') as Ptr | null;
if (!dom) throw new Error('virDomainLookupByName(test) failed in the bench Worker');
const uuid = ops.domainLookupByName(conn, 'test').uuid;

// One function per variant, so each loop stays monomorphic.

/** The earlier declaration: `_Out_ virDomainInfo *` decoded by koffi into a fresh object. */
function outObject(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const o = {} as { state: number };
    if (getInfoOut(dom, o) < 0) throw new Error('virDomainGetInfo failed');
    sink += o.state;
  }
  return sink;
}

/** Ferry's declaration as shipped (ffi/lib.ts), decoded as ops.domainGetInfo does. */
function shipped(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    if (fn.virDomainGetInfo(dom, infoBuf) < 0) throw new Error('virDomainGetInfo failed');
    sink += decodeInfo(infoBuf).vcpus;
  }
  return sink;
}

function voidBuffer(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    if (getInfoVoid(dom, infoBuf) < 0) throw new Error('virDomainGetInfo failed');
    sink += infoBuf[0]!;
  }
  return sink;
}

// Ferry's own decoder, so the 'shipped' variants measure the code that ships.
const decodeInfo = readDomainInfo;

/** void* + reused Buffer, decoded in JS into the same DomainInfo ops.domainGetInfo returns. */
function voidDecode(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    if (getInfoVoid(dom, infoBuf) < 0) throw new Error('virDomainGetInfo failed');
    sink += decodeInfo(infoBuf).vcpus;
  }
  return sink;
}

/** The per-operation lookup alone: virDomainLookupByUUIDString + virDomainFree. */
function lookupFree(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const d = checkPtr('virDomainLookupByUUIDString', fn.virDomainLookupByUUIDString(conn, uuid));
    sink += fn.virDomainFree(d) as number;
  }
  return sink;
}

/** The whole pool operation, minus messaging: lookup by UUID, getInfo, free, error checks. */
function op(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) sink += ops.domainGetInfo(conn!, uuid).vcpus;
  return sink;
}

const variants: Record<SyncKind, (n: number) => number> = {
  'ffi-shipped': shipped,
  'ffi-out-object': outObject,
  'ffi-void-buffer': voidBuffer,
  'op-domainGetInfo': op,
  'ffi-void-decode': voidDecode,
  'lookup-free': lookupFree,
};

parentPort!.on('message', ({ kind, n }: SyncRequest) => {
  const c0 = threadCpuNs();
  const t0 = process.hrtime.bigint();
  const sink = variants[kind](n);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = threadCpuNs() - c0;
  parentPort!.postMessage({ kind, n, wallNs, threadCpuNs: cpu, sink } satisfies SyncResult);
});
parentPort!.postMessage({ ready: true });
