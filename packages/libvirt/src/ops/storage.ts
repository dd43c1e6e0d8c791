// Storage pool and volume operations, run inside a pool Worker; handles freed per call.
import { fn, type Ptr } from '../ffi/lib.ts';
import { checkInt, checkPtr, checkString, listAll, num, uuidString, withHandle } from '../ffi/call.ts';
import type { StoragePoolInfo, StoragePoolSummary, StorageVolumeSummary } from '../types.ts';

const freePool = (p: Ptr) => fn.virStoragePoolFree(p);
const freeVol = (v: Ptr) => fn.virStorageVolFree(v);

function poolSummary(p: Ptr): StoragePoolSummary {
  const autostart = [0];
  checkInt('virStoragePoolGetAutostart', fn.virStoragePoolGetAutostart(p, autostart));
  return {
    name: checkString('virStoragePoolGetName', fn.virStoragePoolGetName(p)),
    uuid: uuidString('virStoragePoolGetUUIDString', fn.virStoragePoolGetUUIDString, p),
    active: checkInt('virStoragePoolIsActive', fn.virStoragePoolIsActive(p)) === 1,
    autostart: autostart[0] === 1,
  };
}

function volumeSummary(v: Ptr): StorageVolumeSummary {
  const info = {} as { type: number; capacity: number | bigint; allocation: number | bigint };
  checkInt('virStorageVolGetInfo', fn.virStorageVolGetInfo(v, info));
  return {
    name: checkString('virStorageVolGetName', fn.virStorageVolGetName(v)),
    path: checkString('virStorageVolGetPath', fn.virStorageVolGetPath(v)),
    type: info.type,
    capacity: num(info.capacity),
    allocation: num(info.allocation),
  };
}

export function withPool<T>(conn: Ptr, pool: string, use: (p: Ptr) => T): T {
  return withHandle(checkPtr('virStoragePoolLookupByName', fn.virStoragePoolLookupByName(conn, pool)), freePool, use);
}

export function withVolume<T>(conn: Ptr, pool: string, volume: string, use: (v: Ptr) => T): T {
  return withPool(conn, pool, (p) => withHandle(checkPtr('virStorageVolLookupByName', fn.virStorageVolLookupByName(p, volume)), freeVol, use));
}

export const storageOps = {
  poolListAll(conn: Ptr, flags: number): StoragePoolSummary[] {
    return listAll('virConnectListAllStoragePools', (out) => fn.virConnectListAllStoragePools(conn, out, flags), poolSummary, freePool);
  },
  poolGet(conn: Ptr, pool: string): StoragePoolSummary {
    return withPool(conn, pool, poolSummary);
  },
  poolDefineXML(conn: Ptr, xml: string, flags: number): StoragePoolSummary {
    return withHandle(checkPtr('virStoragePoolDefineXML', fn.virStoragePoolDefineXML(conn, xml, flags)), freePool, poolSummary);
  },
  poolBuild(conn: Ptr, pool: string, flags: number): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolBuild', fn.virStoragePoolBuild(p, flags)));
  },
  poolCreate(conn: Ptr, pool: string, flags: number): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolCreate', fn.virStoragePoolCreate(p, flags)));
  },
  poolDestroy(conn: Ptr, pool: string): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolDestroy', fn.virStoragePoolDestroy(p)));
  },
  poolUndefine(conn: Ptr, pool: string): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolUndefine', fn.virStoragePoolUndefine(p)));
  },
  poolRefresh(conn: Ptr, pool: string): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolRefresh', fn.virStoragePoolRefresh(p, 0)));
  },
  poolSetAutostart(conn: Ptr, pool: string, on: boolean): void {
    withPool(conn, pool, (p) => checkInt('virStoragePoolSetAutostart', fn.virStoragePoolSetAutostart(p, on ? 1 : 0)));
  },
  poolGetInfo(conn: Ptr, pool: string): StoragePoolInfo {
    return withPool(conn, pool, (p) => {
      const i = {} as { state: number; capacity: number | bigint; allocation: number | bigint; available: number | bigint };
      checkInt('virStoragePoolGetInfo', fn.virStoragePoolGetInfo(p, i));
      return { state: i.state, capacity: num(i.capacity), allocation: num(i.allocation), available: num(i.available) };
    });
  },
  poolGetXML(conn: Ptr, pool: string, flags: number): string {
    return withPool(conn, pool, (p) => checkString('virStoragePoolGetXMLDesc', fn.virStoragePoolGetXMLDesc(p, flags)));
  },
  volumeListAll(conn: Ptr, pool: string): StorageVolumeSummary[] {
    return withPool(conn, pool, (p) =>
      listAll('virStoragePoolListAllVolumes', (out) => fn.virStoragePoolListAllVolumes(p, out, 0), volumeSummary, freeVol));
  },
  volumeGet(conn: Ptr, pool: string, volume: string): StorageVolumeSummary {
    return withVolume(conn, pool, volume, volumeSummary);
  },
  volumeLookupByPath(conn: Ptr, path: string): StorageVolumeSummary {
    return withHandle(checkPtr('virStorageVolLookupByPath', fn.virStorageVolLookupByPath(conn, path)), freeVol, volumeSummary);
  },
  volumeCreateXML(conn: Ptr, pool: string, xml: string, flags: number): StorageVolumeSummary {
    return withPool(conn, pool, (p) =>
      withHandle(checkPtr('virStorageVolCreateXML', fn.virStorageVolCreateXML(p, xml, flags)), freeVol, volumeSummary));
  },
  volumeCreateXMLFrom(conn: Ptr, pool: string, xml: string, sourcePool: string, sourceVolume: string, flags: number): StorageVolumeSummary {
    return withVolume(conn, sourcePool, sourceVolume, (src) => withPool(conn, pool, (p) =>
      withHandle(checkPtr('virStorageVolCreateXMLFrom', fn.virStorageVolCreateXMLFrom(p, xml, src, flags)), freeVol, volumeSummary)));
  },
  volumeDelete(conn: Ptr, pool: string, volume: string, flags: number): void {
    withVolume(conn, pool, volume, (v) => checkInt('virStorageVolDelete', fn.virStorageVolDelete(v, flags)));
  },
  volumeResize(conn: Ptr, pool: string, volume: string, capacityBytes: number, flags: number): void {
    withVolume(conn, pool, volume, (v) => checkInt('virStorageVolResize', fn.virStorageVolResize(v, BigInt(capacityBytes), flags)));
  },
  volumeGetXML(conn: Ptr, pool: string, volume: string): string {
    return withVolume(conn, pool, volume, (v) => checkString('virStorageVolGetXMLDesc', fn.virStorageVolGetXMLDesc(v, 0)));
  },
  /** Attaches `stream` to an upload into the volume; data then flows through the stream. */
  volumeUpload(conn: Ptr, pool: string, volume: string, stream: Ptr, offset: number, length: number, flags: number): void {
    withVolume(conn, pool, volume, (v) => checkInt('virStorageVolUpload', fn.virStorageVolUpload(v, stream, BigInt(offset), BigInt(length), flags)));
  },
  volumeDownload(conn: Ptr, pool: string, volume: string, stream: Ptr, offset: number, length: number, flags: number): void {
    withVolume(conn, pool, volume, (v) => checkInt('virStorageVolDownload', fn.virStorageVolDownload(v, stream, BigInt(offset), BigInt(length), flags)));
  },
};
