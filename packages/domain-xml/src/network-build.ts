// The network definitions Ferry creates (see network.ts for what the modes mean):
// - NAT: a libvirt bridge (named by libvirt unless given) with masquerading to the host's
//   uplinks, an IPv4 subnet and optionally DHCP (range and static hosts) and a DNS domain;
// - isolated: the same without <forward>, so no route out;
// - bridged: guests join an existing host bridge (forward mode 'bridge'); libvirt runs no
//   DHCP or DNS there, the LAN does.
// Addresses are checked by the API schemas before they get here; this file only shapes them.
import { element, serializeXml, XmlBuildError } from './xml-build.ts';

export interface RoutedNetworkSpec {
  mode: 'nat' | 'isolated';
  name: string;
  /** The bridge device libvirt creates; libvirt picks virbrN when absent. */
  bridge?: string;
  ipv4: { address: string; prefix: number };
  dhcp?: { start: string; end: string; hosts?: { mac: string; ip: string; name?: string }[] };
  /** DNS domain for the guests; answered locally (localOnly), never forwarded upstream. */
  domain?: string;
}

export interface BridgedNetworkSpec {
  mode: 'bridge';
  name: string;
  /** An existing host bridge, e.g. br0. */
  bridge: string;
}

export type NetworkSpec = RoutedNetworkSpec | BridgedNetworkSpec;

export function buildNetworkXml(spec: NetworkSpec): string {
  if (spec.mode === 'bridge') {
    return serializeXml(element('network', {},
      element('name', {}, spec.name),
      element('forward', { mode: 'bridge' }),
      element('bridge', { name: spec.bridge }),
    ));
  }
  const { prefix } = spec.ipv4;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new XmlBuildError(`IPv4 prefix must be 0-32, got ${prefix}`);
  const dhcp = spec.dhcp && element('dhcp', {},
    element('range', { start: spec.dhcp.start, end: spec.dhcp.end }),
    ...(spec.dhcp.hosts ?? []).map((h) => element('host', { mac: h.mac, name: h.name, ip: h.ip })),
  );
  return serializeXml(element('network', {},
    element('name', {}, spec.name),
    spec.mode === 'nat' && element('forward', { mode: 'nat' }),
    element('bridge', { name: spec.bridge, stp: 'on', delay: '0' }),
    spec.domain !== undefined && element('domain', { name: spec.domain, localOnly: 'yes' }),
    element('ip', { address: spec.ipv4.address, prefix: String(prefix) }, dhcp),
  ));
}
