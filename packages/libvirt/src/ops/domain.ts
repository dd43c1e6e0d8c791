// Domain operations, run inside a pool Worker. Each one looks the domain up by UUID, acts,
// and frees the handle before returning, so no virDomainPtr ever outlives an operation or
// leaves its thread; the cost is one local lookup per operation (an RPC on remote hosts).
import { fn, koffi, virDomainInfo, type Ptr } from '../ffi/lib.ts';
import { checkInt, checkPtr, checkString, listAll, uuidString, withHandle } from '../ffi/call.ts';
import { decodeTypedParams, forEachTypedParam, withTypedParams, type ParamSpec, type TypedParams } from '../ffi/typed-params.ts';
import * as C from '../generated/constants.gen.ts';
import type { DomainInfo, DomainRef, DomainState, DomainStatsRecord, JobStats } from '../types.ts';
import { PackedStatsBuilder, keepFilter, type PackedDomainStats } from '../packed-stats.ts';
import { transferWithReply } from '../worker/transfer.ts';

export function domainRef(dom: Ptr): DomainRef {
  const id = fn.virDomainGetID(dom) as number;
  return {
    uuid: uuidString('virDomainGetUUIDString', fn.virDomainGetUUIDString, dom),
    name: checkString('virDomainGetName', fn.virDomainGetName(dom)),
    id: id === 0xffffffff ? -1 : id, // (unsigned int)-1: not running
  };
}

const freeDomain = (d: Ptr) => fn.virDomainFree(d);

export function withDomain<T>(conn: Ptr, uuid: string, use: (dom: Ptr) => T): T {
  return withHandle(checkPtr('virDomainLookupByUUIDString', fn.virDomainLookupByUUIDString(conn, uuid)), freeDomain, use);
}

// virDomainInfo, read from one buffer per Worker at the offsets koffi computes for the struct.
const infoBuf = Buffer.alloc(koffi.sizeof(virDomainInfo));
const INFO = {
  state: koffi.offsetof(virDomainInfo, 'state'),
  maxMem: koffi.offsetof(virDomainInfo, 'maxMem'),
  memory: koffi.offsetof(virDomainInfo, 'memory'),
  nrVirtCpu: koffi.offsetof(virDomainInfo, 'nrVirtCpu'),
  cpuTime: koffi.offsetof(virDomainInfo, 'cpuTime'),
};
/** An unsigned 64-bit little-endian field as a Number (exact below 2^53: bytes, KiB, ns). */
const u64 = (b: Buffer, at: number): number => b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;

/** Decodes a virDomainInfo that libvirt wrote into `b` (the benchmark measures this too). */
export function readDomainInfo(b: Buffer): DomainInfo {
  return {
    state: b.readUInt8(INFO.state),
    maxMemKiB: u64(b, INFO.maxMem),
    memoryKiB: u64(b, INFO.memory),
    vcpus: b.readUInt16LE(INFO.nrVirtCpu),
    cpuTimeNs: u64(b, INFO.cpuTime),
  };
}

// The typed parameters migration accepts from callers, with the C type libvirt expects.
const MIGRATE_PARAMS: ParamSpec = {
  [C.VIR_MIGRATE_PARAM_URI]: 'string',
  [C.VIR_MIGRATE_PARAM_DEST_NAME]: 'string',
  [C.VIR_MIGRATE_PARAM_DEST_XML]: 'string',
  [C.VIR_MIGRATE_PARAM_PERSIST_XML]: 'string',
  [C.VIR_MIGRATE_PARAM_BANDWIDTH]: 'ullong',
  [C.VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY]: 'ullong',
  [C.VIR_MIGRATE_PARAM_LISTEN_ADDRESS]: 'string',
  [C.VIR_MIGRATE_PARAM_DISKS_PORT]: 'int',
  [C.VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL]: 'int',
  [C.VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT]: 'int',
  [C.VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS]: 'int',
  [C.VIR_MIGRATE_PARAM_GRAPHICS_URI]: 'string',
};

/** keepFilter per distinct `keep` list, so its per-name memo lasts across calls on this Worker. */
const keepFilters = new Map<string, (key: string) => boolean>();
function keepFor(keep: readonly string[] | null): (key: string) => boolean {
  const id = keep ? keep.join('\n') : '';
  let f = keepFilters.get(id);
  if (!f) {
    if (keepFilters.size > 16) keepFilters.clear(); // callers pass one or two fixed lists; bound it anyway
    keepFilters.set(id, (f = keepFilter(keep)));
  }
  return f;
}

export const domainOps = {
  domainListAll(conn: Ptr, flags: number): DomainRef[] {
    return listAll('virConnectListAllDomains', (out) => fn.virConnectListAllDomains(conn, out, flags), domainRef, freeDomain);
  },
  domainLookupByName(conn: Ptr, name: string): DomainRef {
    return withHandle(checkPtr('virDomainLookupByName', fn.virDomainLookupByName(conn, name)), freeDomain, domainRef);
  },
  domainLookupByUuid(conn: Ptr, uuid: string): DomainRef {
    return withDomain(conn, uuid, domainRef);
  },
  domainDefineXML(conn: Ptr, xml: string, flags: number): DomainRef {
    return withHandle(checkPtr('virDomainDefineXMLFlags', fn.virDomainDefineXMLFlags(conn, xml, flags)), freeDomain, domainRef);
  },
  domainUndefine(conn: Ptr, uuid: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainUndefineFlags', fn.virDomainUndefineFlags(d, flags)));
  },
  domainCreate(conn: Ptr, uuid: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainCreateWithFlags', fn.virDomainCreateWithFlags(d, flags)));
  },
  domainShutdown(conn: Ptr, uuid: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainShutdownFlags', fn.virDomainShutdownFlags(d, flags)));
  },
  domainDestroy(conn: Ptr, uuid: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainDestroyFlags', fn.virDomainDestroyFlags(d, flags)));
  },
  domainReboot(conn: Ptr, uuid: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainReboot', fn.virDomainReboot(d, flags)));
  },
  domainReset(conn: Ptr, uuid: string): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainReset', fn.virDomainReset(d, 0)));
  },
  domainSuspend(conn: Ptr, uuid: string): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainSuspend', fn.virDomainSuspend(d)));
  },
  domainResume(conn: Ptr, uuid: string): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainResume', fn.virDomainResume(d)));
  },
  domainGetState(conn: Ptr, uuid: string): DomainState {
    return withDomain(conn, uuid, (d) => {
      const state = [0], reason = [0];
      checkInt('virDomainGetState', fn.virDomainGetState(d, state, reason, 0));
      return { state: state[0]!, reason: reason[0]! };
    });
  },
  domainGetInfo(conn: Ptr, uuid: string): DomainInfo {
    return withDomain(conn, uuid, (d) => {
      checkInt('virDomainGetInfo', fn.virDomainGetInfo(d, infoBuf));
      return readDomainInfo(infoBuf);
    });
  },
  domainGetXML(conn: Ptr, uuid: string, flags: number): string {
    return withDomain(conn, uuid, (d) => checkString('virDomainGetXMLDesc', fn.virDomainGetXMLDesc(d, flags)));
  },
  domainIsActive(conn: Ptr, uuid: string): boolean {
    return withDomain(conn, uuid, (d) => checkInt('virDomainIsActive', fn.virDomainIsActive(d)) === 1);
  },
  domainIsPersistent(conn: Ptr, uuid: string): boolean {
    return withDomain(conn, uuid, (d) => checkInt('virDomainIsPersistent', fn.virDomainIsPersistent(d)) === 1);
  },
  domainGetAutostart(conn: Ptr, uuid: string): boolean {
    return withDomain(conn, uuid, (d) => {
      const v = [0];
      checkInt('virDomainGetAutostart', fn.virDomainGetAutostart(d, v));
      return v[0] === 1;
    });
  },
  domainSetAutostart(conn: Ptr, uuid: string, on: boolean): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainSetAutostart', fn.virDomainSetAutostart(d, on ? 1 : 0)));
  },
  domainSetVcpus(conn: Ptr, uuid: string, count: number, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainSetVcpusFlags', fn.virDomainSetVcpusFlags(d, count, flags)));
  },
  domainSetMemory(conn: Ptr, uuid: string, kib: number, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainSetMemoryFlags', fn.virDomainSetMemoryFlags(d, kib, flags)));
  },
  domainAttachDevice(conn: Ptr, uuid: string, xml: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainAttachDeviceFlags', fn.virDomainAttachDeviceFlags(d, xml, flags)));
  },
  domainDetachDevice(conn: Ptr, uuid: string, xml: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainDetachDeviceFlags', fn.virDomainDetachDeviceFlags(d, xml, flags)));
  },
  domainUpdateDevice(conn: Ptr, uuid: string, xml: string, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainUpdateDeviceFlags', fn.virDomainUpdateDeviceFlags(d, xml, flags)));
  },
  /** Grows a running domain's disk (by target dev or source path) to `bytes`; QEMU resizes the image. */
  domainBlockResize(conn: Ptr, uuid: string, disk: string, bytes: number, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainBlockResize', fn.virDomainBlockResize(d, disk, bytes, flags | C.VIR_DOMAIN_BLOCK_RESIZE_BYTES)));
  },
  /** One RPC for every domain's stats (virConnectGetAllDomainStats): never per-VM calls. */
  connectGetAllDomainStats(conn: Ptr, stats: number, flags: number): DomainStatsRecord[] {
    const out: (Ptr | null)[] = [null];
    const n = checkInt('virConnectGetAllDomainStats', fn.virConnectGetAllDomainStats(conn, stats, out, flags));
    const list = out[0];
    if (!list) return [];
    try {
      const records = n > 0 ? (koffi.decode(list, 'void *', n) as Ptr[]) : [];
      return records.map((r) => {
        const rec = koffi.decode(r, 'virDomainStatsRecord') as { dom: Ptr; params: Ptr | null; nparams: number };
        const ref = domainRef(rec.dom);
        return { uuid: ref.uuid, name: ref.name, stats: decodeTypedParams(rec.params, rec.nparams) };
      });
    } finally {
      fn.virDomainStatsRecordListFree(list); // frees records, their params and their domains
    }
  },
  /**
   * The same call, answered as one table of the `keep` params (packed-stats.ts), its numbers
   * transferred to the main thread rather than cloned: for a caller that polls every domain.
   */
  connectGetAllDomainStatsPacked(conn: Ptr, stats: number, flags: number, keep: readonly string[] | null): PackedDomainStats {
    const out: (Ptr | null)[] = [null];
    const n = checkInt('virConnectGetAllDomainStats', fn.virConnectGetAllDomainStats(conn, stats, out, flags));
    const b = new PackedStatsBuilder(keepFor(keep));
    const list = out[0];
    if (list) {
      try {
        const records = n > 0 ? (koffi.decode(list, 'void *', n) as Ptr[]) : [];
        const param = (key: string, value: string | number | boolean) => b.param(key, value);
        for (const r of records) {
          const rec = koffi.decode(r, 'virDomainStatsRecord') as { dom: Ptr; params: Ptr | null; nparams: number };
          const ref = domainRef(rec.dom);
          b.domain(ref.uuid, ref.name);
          forEachTypedParam(rec.params, rec.nparams, param);
        }
      } finally {
        fn.virDomainStatsRecordListFree(list);
      }
    }
    const packed = b.finish();
    transferWithReply(packed.values);
    return packed;
  },
  domainGetJobStats(conn: Ptr, uuid: string, flags: number): JobStats {
    return withDomain(conn, uuid, (d) => {
      const type = [0], params: (Ptr | null)[] = [null], n = [0];
      checkInt('virDomainGetJobStats', fn.virDomainGetJobStats(d, type, params, n, flags));
      try {
        return { type: type[0]!, stats: decodeTypedParams(params[0] ?? null, n[0]!) };
      } finally {
        if (params[0]) fn.virTypedParamsFree(params[0], n[0]!);
      }
    });
  },
  domainAbortJob(conn: Ptr, uuid: string): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainAbortJob', fn.virDomainAbortJob(d)));
  },
  /** Peer-to-peer or direct-URI migration; blocks until done, so give it its own deadline. */
  domainMigrateToURI3(conn: Ptr, uuid: string, destUri: string | null, params: TypedParams, flags: number): void {
    withDomain(conn, uuid, (d) =>
      withTypedParams(MIGRATE_PARAMS, params, (p, n) => checkInt('virDomainMigrateToURI3', fn.virDomainMigrateToURI3(d, destUri, p, n, flags))));
  },
  /** Client-managed migration to a second connection; returns the domain on the destination. */
  domainMigrate3(conn: Ptr, uuid: string, destConn: Ptr, params: TypedParams, flags: number): DomainRef {
    return withDomain(conn, uuid, (d) =>
      withTypedParams(MIGRATE_PARAMS, params, (p, n) =>
        withHandle(checkPtr('virDomainMigrate3', fn.virDomainMigrate3(d, destConn, p, n, flags)), freeDomain, domainRef)));
  },
  domainMigrateSetMaxDowntime(conn: Ptr, uuid: string, ms: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainMigrateSetMaxDowntime', fn.virDomainMigrateSetMaxDowntime(d, BigInt(ms), 0)));
  },
  domainMigrateSetMaxSpeed(conn: Ptr, uuid: string, mibPerS: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainMigrateSetMaxSpeed', fn.virDomainMigrateSetMaxSpeed(d, mibPerS, 0)));
  },
  domainMigrateStartPostCopy(conn: Ptr, uuid: string): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainMigrateStartPostCopy', fn.virDomainMigrateStartPostCopy(d, 0)));
  },
  domainOpenConsole(conn: Ptr, uuid: string, device: string | null, stream: Ptr, flags: number): void {
    withDomain(conn, uuid, (d) => checkInt('virDomainOpenConsole', fn.virDomainOpenConsole(d, device, stream, flags)));
  },
};
