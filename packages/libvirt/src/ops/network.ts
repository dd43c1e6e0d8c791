// Virtual network operations, run inside a pool Worker; handles freed per call.
import { fn, koffi, type Ptr } from '../ffi/lib.ts';
import { checkInt, checkPtr, checkString, num, uuidString, withHandle, listAll } from '../ffi/call.ts';
import type { DhcpLease, NetworkSummary } from '../types.ts';

const freeNet = (n: Ptr) => fn.virNetworkFree(n);

function networkSummary(n: Ptr): NetworkSummary {
  const autostart = [0];
  checkInt('virNetworkGetAutostart', fn.virNetworkGetAutostart(n, autostart));
  return {
    name: checkString('virNetworkGetName', fn.virNetworkGetName(n)),
    uuid: uuidString('virNetworkGetUUIDString', fn.virNetworkGetUUIDString, n),
    active: checkInt('virNetworkIsActive', fn.virNetworkIsActive(n)) === 1,
    autostart: autostart[0] === 1,
  };
}

function withNetwork<T>(conn: Ptr, name: string, use: (n: Ptr) => T): T {
  return withHandle(checkPtr('virNetworkLookupByName', fn.virNetworkLookupByName(conn, name)), freeNet, use);
}

function lease(p: Ptr): DhcpLease {
  const l = koffi.decode(p, 'virNetworkDHCPLease') as {
    iface: string | null; expirytime: number | bigint; type: number; mac: string | null; ipaddr: string | null; prefix: number; hostname: string | null; clientid: string | null;
  };
  return { iface: l.iface ?? '', expiryTime: num(l.expirytime), type: l.type, mac: l.mac ?? '', ipAddress: l.ipaddr ?? '', prefix: l.prefix, hostname: l.hostname, clientId: l.clientid };
}

export const networkOps = {
  networkListAll(conn: Ptr, flags: number): NetworkSummary[] {
    return listAll('virConnectListAllNetworks', (out) => fn.virConnectListAllNetworks(conn, out, flags), networkSummary, freeNet);
  },
  networkGet(conn: Ptr, name: string): NetworkSummary {
    return withNetwork(conn, name, networkSummary);
  },
  networkDefineXML(conn: Ptr, xml: string): NetworkSummary {
    return withHandle(checkPtr('virNetworkDefineXML', fn.virNetworkDefineXML(conn, xml)), freeNet, networkSummary);
  },
  networkCreate(conn: Ptr, name: string): void {
    withNetwork(conn, name, (n) => checkInt('virNetworkCreate', fn.virNetworkCreate(n)));
  },
  networkDestroy(conn: Ptr, name: string): void {
    withNetwork(conn, name, (n) => checkInt('virNetworkDestroy', fn.virNetworkDestroy(n)));
  },
  networkUndefine(conn: Ptr, name: string): void {
    withNetwork(conn, name, (n) => checkInt('virNetworkUndefine', fn.virNetworkUndefine(n)));
  },
  networkSetAutostart(conn: Ptr, name: string, on: boolean): void {
    withNetwork(conn, name, (n) => checkInt('virNetworkSetAutostart', fn.virNetworkSetAutostart(n, on ? 1 : 0)));
  },
  networkGetXML(conn: Ptr, name: string, flags: number): string {
    return withNetwork(conn, name, (n) => checkString('virNetworkGetXMLDesc', fn.virNetworkGetXMLDesc(n, flags)));
  },
  /** Leases from libvirt's dnsmasq; `mac` narrows to one interface. */
  networkGetDHCPLeases(conn: Ptr, name: string, mac: string | null): DhcpLease[] {
    return withNetwork(conn, name, (n) =>
      listAll('virNetworkGetDHCPLeases', (out) => fn.virNetworkGetDHCPLeases(n, mac, out, 0), lease, (p) => fn.virNetworkDHCPLeaseFree(p)));
  },
};
