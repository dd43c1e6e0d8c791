// Virtual networks (`virsh net-dumpxml`, virNetworkGetXMLDesc) as typed data.
// Reference: https://libvirt.org/formatnetwork.html
//
// The forward mode says what the network is: no <forward> at all is an isolated network
// (guests reach each other and the host, nothing else); 'nat' and 'route' give a libvirt
// bridge with dnsmasq; 'bridge' puts guests on an existing host bridge, with no addresses of
// libvirt's own. Only the first IPv4 <ip> is read: Ferry creates one per network, and IPv6
// or extra subnets are shown by libvirt's own tools.
import { attr, child, children, parseXml, textAt, XmlParseError, type XmlElement } from './xml.ts';

export const NETWORK_MODES = ['nat', 'route', 'open', 'bridge', 'isolated', 'other'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

export interface NetworkDhcpHost {
  mac?: string;
  ip?: string;
  name?: string;
}

export interface NetworkIpv4 {
  address: string;
  prefix: number;
  /** The DHCP pool, when libvirt's dnsmasq hands out addresses. */
  dhcpRange?: { start: string; end: string };
  /** Static leases. */
  hosts: NetworkDhcpHost[];
}

export interface NetworkXml {
  name: string;
  uuid: string;
  mode: NetworkMode;
  /** libvirt's forward mode as written, when it is one Ferry has no name for ('passthrough', …). */
  forwardMode?: string;
  /** The bridge: libvirt's own (virbrN) or, in bridge mode, the host's. */
  bridge?: string;
  mac?: string;
  /** The DNS domain dnsmasq serves. */
  domain?: string;
  ipv4?: NetworkIpv4;
}

const KNOWN_MODES = new Set<string>(['nat', 'route', 'open', 'bridge']);

/** Parse network XML. Throws XmlParseError when it is not a network document. */
export function parseNetwork(xml: string): NetworkXml {
  const root = parseXml(xml);
  if (root.name !== 'network') throw new XmlParseError(`expected <network>, found <${root.name}>`);
  const name = textAt(root, 'name');
  if (name === undefined) throw new XmlParseError('<network> has no <name>');
  const forward = child(root, 'forward');
  // <forward/> without a mode means NAT, as libvirt defines it.
  const rawMode = forward ? attr(forward, 'mode') ?? 'nat' : undefined;
  const mode: NetworkMode = rawMode === undefined ? 'isolated' : KNOWN_MODES.has(rawMode) ? rawMode as NetworkMode : 'other';
  const out: NetworkXml = { name, uuid: textAt(root, 'uuid') ?? '', mode };
  if (mode === 'other' && rawMode !== undefined) out.forwardMode = rawMode;
  const bridge = attr(child(root, 'bridge'), 'name');
  const mac = attr(child(root, 'mac'), 'address');
  const domain = attr(child(root, 'domain'), 'name');
  if (bridge !== undefined) out.bridge = bridge;
  if (mac !== undefined) out.mac = mac;
  if (domain !== undefined) out.domain = domain;
  const ipv4 = children(root, 'ip').map(parseIpv4).find((ip) => ip !== undefined);
  if (ipv4) out.ipv4 = ipv4;
  return out;
}

function parseIpv4(ip: XmlElement): NetworkIpv4 | undefined {
  const family = attr(ip, 'family');
  const address = attr(ip, 'address');
  if ((family !== undefined && family !== 'ipv4') || address === undefined || !address.includes('.')) return undefined;
  const prefixAttr = attr(ip, 'prefix');
  const netmask = attr(ip, 'netmask');
  const prefix = prefixAttr !== undefined ? Number(prefixAttr) : netmask !== undefined ? netmaskToPrefix(netmask) : 24;
  if (prefix === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const dhcp = child(ip, 'dhcp');
  const range = child(dhcp, 'range');
  const out: NetworkIpv4 = { address, prefix, hosts: children(dhcp, 'host').map(parseHost) };
  const start = attr(range, 'start');
  const end = attr(range, 'end');
  if (start !== undefined && end !== undefined) out.dhcpRange = { start, end };
  return out;
}

function parseHost(host: XmlElement): NetworkDhcpHost {
  const out: NetworkDhcpHost = {};
  for (const key of ['mac', 'ip', 'name'] as const) {
    const v = attr(host, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** '255.255.255.0' → 24; undefined for a malformed or non-contiguous mask. */
export function netmaskToPrefix(mask: string): number | undefined {
  const parts = mask.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  const bits = parts.map((p) => Number(p).toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}
