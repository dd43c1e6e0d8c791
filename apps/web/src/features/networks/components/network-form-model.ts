// The new-network form: its fields, the defaults that make a NAT network two clicks (a /24
// no other network of the host uses, DHCP over the rest of it), the request body, and the
// contract's own rules as per-field messages.
import { CreateNetworkBodySchema, ipv4Subnet, ipv4ToNumber, type CreateNetworkBody, type Network } from '@ferry/contract';
import { issuesByPath } from '../../../lib/form-issues.ts';

export type CreateMode = CreateNetworkBody['mode'];

export const MODES: readonly { mode: CreateMode; label: string; description: string }[] = [
  { mode: 'nat', label: 'NAT', description: 'Guests reach out through the host’s address; a bridge and DHCP of its own.' },
  { mode: 'isolated', label: 'Isolated', description: 'Guests reach each other and the host, nothing beyond.' },
  { mode: 'bridge', label: 'Bridged', description: 'Guests join an existing host bridge (e.g. br0) and get addresses on its LAN.' },
];

export interface NetworkForm {
  name: string;
  mode: CreateMode;
  /** The host's address on the network with the prefix, e.g. 192.168.100.1/24 (NAT, isolated). */
  ipv4: string;
  dhcp: boolean;
  /** null: follows the subnet. */
  dhcpStart: string | null;
  dhcpEnd: string | null;
  /** Fixed addresses, one guest per line: MAC, address, optional host name (as dnsmasq's dhcp-host). */
  dhcpHosts: string;
  /** The bridge libvirt makes (optional) or, bridged, the host's existing one. */
  bridge: string;
  domain: string;
  start: boolean;
  autostart: boolean;
}

export type NetworkField = 'name' | 'ipv4' | 'dhcpStart' | 'dhcpEnd' | 'dhcpRange' | 'dhcpHosts' | 'bridge' | 'domain';
export type NetworkErrors = Partial<Record<NetworkField, string>>;

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The first 192.168.N.1/24 (N from 100) whose subnet no network of the host overlaps. */
export function freeSubnet(networks: readonly Network[]): string {
  const taken = networks.flatMap((n) => (n.ipv4 ? [ipv4Subnet(n.ipv4.address, n.ipv4.prefix)] : [])).filter((s) => s !== null);
  for (let third = 100; third < 256; third++) {
    const [first, last] = ipv4Subnet(`192.168.${third}.1`, 24)!;
    if (!taken.some(([a, b]) => a <= last && first <= b)) return `192.168.${third}.1/24`;
  }
  return '10.231.0.1/24';
}

/** DHCP over the subnet's usable addresses on the far side of the host's; null when the CIDR is not one. */
export function dhcpRangeFor(cidr: string): { start: string; end: string } | null {
  const [address = '', prefix = ''] = cidr.split('/');
  if (!/^\d{1,2}$/.test(prefix)) return null;
  const subnet = ipv4Subnet(address, Number(prefix));
  const host = ipv4ToNumber(address);
  if (!subnet || host === null) return null;
  let lo = subnet[0] + 1;
  let hi = subnet[1] - 1;
  if (host <= lo) lo = Math.max(lo, host + 1);
  else if (host >= hi) hi = Math.min(hi, host - 1);
  else lo = host + 1;
  return lo <= hi ? { start: numberToIpv4(lo), end: numberToIpv4(hi) } : null;
}

export function initialNetworkForm(networks: readonly Network[]): NetworkForm {
  return { name: '', mode: 'nat', ipv4: freeSubnet(networks), dhcp: true, dhcpStart: null, dhcpEnd: null, dhcpHosts: '', bridge: '', domain: '', start: true, autostart: true };
}

/** The DHCP range as shown: what the user typed, else the one that follows the subnet. */
export function shownRange(f: NetworkForm): { start: string; end: string } {
  const auto = dhcpRangeFor(f.ipv4);
  return { start: f.dhcpStart ?? auto?.start ?? '', end: f.dhcpEnd ?? auto?.end ?? '' };
}

type DhcpHost = NonNullable<NonNullable<Extract<CreateNetworkBody, { dhcp?: unknown }>['dhcp']>['hosts']>[number];

/** The fixed-address lines as the body's hosts; `problem` names the first line that is not "MAC address [name]". */
export function parseDhcpHosts(text: string): { hosts: DhcpHost[]; problem?: string } {
  const hosts: DhcpHost[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i]!.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words.length < 2 || words.length > 3) return { hosts, problem: `line ${i + 1}: expected a MAC address, an IPv4 address and an optional host name` };
    const [mac, ip, name] = words as [string, string, string?];
    hosts.push({ mac: mac.toLowerCase(), ip, ...(name ? { name } : {}) });
  }
  return { hosts };
}

export function buildNetworkBody(f: NetworkForm): CreateNetworkBody {
  const common = { name: f.name.trim(), start: f.start, autostart: f.autostart };
  if (f.mode === 'bridge') return { mode: 'bridge', ...common, bridge: f.bridge.trim() };
  const bridge = f.bridge.trim();
  const domain = f.domain.trim();
  return {
    mode: f.mode, ...common, ipv4: f.ipv4.trim(),
    ...(bridge ? { bridge } : {}),
    ...(domain ? { domain } : {}),
    ...(f.dhcp ? { dhcp: withHosts(shownRange(f), parseDhcpHosts(f.dhcpHosts).hosts) } : {}),
  };
}

const withHosts = (range: { start: string; end: string }, hosts: DhcpHost[]) => (hosts.length > 0 ? { ...range, hosts } : range);

/** The line of the fixed-address text that holds the `index`th host (blank lines skipped). */
function hostLine(text: string, index: number): number {
  const lines = text.split('\n');
  for (let i = 0, seen = -1; i < lines.length; i++) if (lines[i]!.trim() && ++seen === index) return i + 1;
  return index + 1;
}

const FIELD_OF: Record<string, NetworkField> = {
  name: 'name', ipv4: 'ipv4', bridge: 'bridge', domain: 'domain', 'dhcp.start': 'dhcpStart', 'dhcp.end': 'dhcpEnd', dhcp: 'dhcpRange',
};

/** The contract's complaints by field; empty when the body can be sent. */
export function validateNetwork(f: NetworkForm, networks: readonly Network[]): NetworkErrors {
  const errors: NetworkErrors = {};
  const parsed = CreateNetworkBodySchema.safeParse(buildNetworkBody(f));
  if (!parsed.success) {
    for (const [path, message] of Object.entries(issuesByPath(parsed.error.issues))) {
      const host = /^dhcp\.hosts\.(\d+)/.exec(path);
      if (host) {
        errors.dhcpHosts ??= `line ${hostLine(f.dhcpHosts, Number(host[1]))}: ${message}`;
        continue;
      }
      const field = FIELD_OF[path] ?? (path.startsWith('dhcp') ? 'dhcpRange' : 'name');
      errors[field] ??= message;
    }
  }
  const lines = f.dhcp && f.mode !== 'bridge' ? parseDhcpHosts(f.dhcpHosts).problem : undefined;
  if (lines) errors.dhcpHosts = lines;
  // What the server would refuse as CONFLICT, among the networks the dashboard knows.
  if (!errors.name && networks.some((n) => n.name === f.name.trim())) errors.name = `a network named ${f.name.trim()} exists`;
  if (!errors.ipv4 && f.mode !== 'bridge') {
    const [address = '', prefix = ''] = f.ipv4.trim().split('/');
    const mine = ipv4Subnet(address, Number(prefix));
    const other = mine && networks.find((n) => {
      const theirs = n.ipv4 && ipv4Subnet(n.ipv4.address, n.ipv4.prefix);
      return theirs && theirs[0] <= mine[1] && mine[0] <= theirs[1];
    });
    if (other) errors.ipv4 = `overlaps network ${other.name} (${other.ipv4!.address}/${other.ipv4!.prefix})`;
    const bridge = f.bridge.trim();
    const user = bridge && !errors.bridge ? networks.find((n) => n.mode !== 'bridge' && n.bridge === bridge) : undefined;
    if (user) errors.bridge = `network ${user.name} already uses bridge ${bridge}`;
  }
  return errors;
}
