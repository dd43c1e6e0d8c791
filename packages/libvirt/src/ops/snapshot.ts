// Snapshot operations, run inside a pool Worker; handles are looked up and freed per call.
import { fn, type Ptr } from '../ffi/lib.ts';
import { checkInt, checkPtr, checkString, fail, lastError, listAll, withHandle } from '../ffi/call.ts';
import * as C from '../generated/constants.gen.ts';
import { withDomain } from './domain.ts';

const freeSnapshot = (s: Ptr) => fn.virDomainSnapshotFree(s);
const snapshotName = (s: Ptr) => checkString('virDomainSnapshotGetName', fn.virDomainSnapshotGetName(s));

function withSnapshot<T>(conn: Ptr, uuid: string, name: string, use: (snap: Ptr) => T): T {
  return withDomain(conn, uuid, (d) =>
    withHandle(checkPtr('virDomainSnapshotLookupByName', fn.virDomainSnapshotLookupByName(d, name, 0)), freeSnapshot, use));
}

export const snapshotOps = {
  snapshotCreateXML(conn: Ptr, uuid: string, xml: string, flags: number): string {
    return withDomain(conn, uuid, (d) =>
      withHandle(checkPtr('virDomainSnapshotCreateXML', fn.virDomainSnapshotCreateXML(d, xml, flags)), freeSnapshot, snapshotName));
  },
  snapshotListAll(conn: Ptr, uuid: string, flags: number): string[] {
    return withDomain(conn, uuid, (d) =>
      listAll('virDomainListAllSnapshots', (out) => fn.virDomainListAllSnapshots(d, out, flags), snapshotName, freeSnapshot));
  },
  /** The current snapshot's name, or null when the domain has none. */
  snapshotCurrent(conn: Ptr, uuid: string): string | null {
    return withDomain(conn, uuid, (d) => {
      if (checkInt('virDomainHasCurrentSnapshot', fn.virDomainHasCurrentSnapshot(d, 0)) === 0) return null;
      return withHandle(checkPtr('virDomainSnapshotCurrent', fn.virDomainSnapshotCurrent(d, 0)), freeSnapshot, snapshotName);
    });
  },
  /** The parent's name, or null for a root snapshot. */
  snapshotParent(conn: Ptr, uuid: string, name: string): string | null {
    return withSnapshot(conn, uuid, name, (s) => {
      const parent = fn.virDomainSnapshotGetParent(s, 0);
      if (parent) return withHandle(parent, freeSnapshot, snapshotName);
      // libvirt reports "this is a root snapshot" as a failure with VIR_ERR_NO_DOMAIN_SNAPSHOT.
      if (lastError('virDomainSnapshotGetParent').code === C.VIR_ERR_NO_DOMAIN_SNAPSHOT) {
        fn.virResetLastError();
        return null;
      }
      return fail('virDomainSnapshotGetParent');
    });
  },
  snapshotGetXML(conn: Ptr, uuid: string, name: string, flags: number): string {
    return withSnapshot(conn, uuid, name, (s) => checkString('virDomainSnapshotGetXMLDesc', fn.virDomainSnapshotGetXMLDesc(s, flags)));
  },
  snapshotIsCurrent(conn: Ptr, uuid: string, name: string): boolean {
    return withSnapshot(conn, uuid, name, (s) => checkInt('virDomainSnapshotIsCurrent', fn.virDomainSnapshotIsCurrent(s, 0)) === 1);
  },
  snapshotRevert(conn: Ptr, uuid: string, name: string, flags: number): void {
    withSnapshot(conn, uuid, name, (s) => checkInt('virDomainRevertToSnapshot', fn.virDomainRevertToSnapshot(s, flags)));
  },
  snapshotDelete(conn: Ptr, uuid: string, name: string, flags: number): void {
    withSnapshot(conn, uuid, name, (s) => checkInt('virDomainSnapshotDelete', fn.virDomainSnapshotDelete(s, flags)));
  },
};
