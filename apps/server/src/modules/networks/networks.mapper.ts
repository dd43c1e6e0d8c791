// libvirt's network data → the API's shapes (pure).
import type { Network, NetworkDetail } from '@ferry/contract';
import type { NetworkXml } from '@ferry/domain-xml';
import type { DhcpLease, NetworkSummary } from '@ferry/libvirt';

export function toNetworkDto(hostId: string, summary: NetworkSummary, xml: NetworkXml): Network {
  const ip = xml.ipv4;
  return {
    hostId,
    name: summary.name,
    uuid: summary.uuid,
    mode: xml.mode,
    active: summary.active,
    autostart: summary.autostart,
    bridge: xml.bridge ?? null,
    domain: xml.domain ?? null,
    ipv4: ip ? {
      address: ip.address,
      prefix: ip.prefix,
      dhcp: ip.dhcpRange ?? null,
      hosts: ip.hosts.map((h) => ({ mac: h.mac ?? null, ip: h.ip ?? null, name: h.name ?? null })),
    } : null,
  };
}

/** libvirt gives expiry as seconds since the epoch, 0 for leases that never expire. */
export function toLeaseDto(l: DhcpLease): NetworkDetail['leases'][number] {
  return {
    mac: l.mac,
    ipAddress: l.ipAddress,
    prefix: l.prefix,
    hostname: l.hostname,
    clientId: l.clientId,
    expiresAt: l.expiryTime > 0 ? new Date(l.expiryTime * 1000).toISOString() : null,
  };
}
