// Virtual networks of one host (see storage.ts for `?hostId=` and scopes). Ferry creates
// three kinds: NAT (a libvirt bridge masqueraded to the host's uplinks), isolated (the same
// with no way out) and bridged (guests join an existing host bridge, e.g. br0, and get their
// addresses from the LAN). libvirt's other modes (route, open, …) are shown as they are.
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { EmptySchema, HostIdSchema, listOf, TimestampSchema } from './common.ts';
import { HostQuerySchema, ObjectNameSchema } from './storage.ts';

export const NETWORK_MODES = ['nat', 'route', 'open', 'bridge', 'isolated', 'other'] as const;
export const NetworkModeSchema = z.enum(NETWORK_MODES);

/** '10.0.0.1' → its 32-bit value; null when it is not a dotted-quad IPv4 address. */
export function ipv4ToNumber(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith('0')))) return null;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** The subnet an address/prefix lies in, as [first, last] 32-bit values (network and broadcast included). */
export function ipv4Subnet(address: string, prefix: number): [number, number] | null {
  const n = ipv4ToNumber(address);
  if (n === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(n / size) * size;
  return [first, first + size - 1];
}

export const Ipv4Schema = z.string().max(15).refine((s) => ipv4ToNumber(s) !== null, 'must be an IPv4 address such as 10.0.0.1');

/** The host's own address on the network with its prefix, e.g. `10.231.5.1/24` (/8 to /30). */
export const Ipv4CidrSchema = z.string().max(18).refine((s) => {
  const [address = '', prefix = '', ...rest] = s.split('/');
  if (rest.length || !/^\d{1,2}$/.test(prefix) || Number(prefix) < 8 || Number(prefix) > 30) return false;
  const subnet = ipv4Subnet(address, Number(prefix));
  const n = ipv4ToNumber(address);
  // Neither the network nor the broadcast address can be the host's.
  return subnet !== null && n !== subnet[0] && n !== subnet[1];
}, 'must be the host address and prefix, such as 10.231.5.1/24 (prefix 8 to 30)');

// The same rule as a VM NIC's MAC (vms.ts): lowercase, unicast.
const StaticMacSchema = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'a lowercase MAC address such as 52:54:00:12:34:56')
  .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0, 'must be a unicast MAC');
const HostnameSchema = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'a host name: letters, digits and dashes (max 63)');
const DnsDomainSchema = z.string().max(253).regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'a DNS domain such as lab.example');
/** A Linux interface name (IFNAMSIZ: at most 15 characters). */
export const BridgeNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'an interface name: letters, digits, . _ - (max 15)');

const DhcpSchema = z.strictObject({
  start: Ipv4Schema,
  end: Ipv4Schema,
  /** Static leases. */
  hosts: z.array(z.strictObject({ mac: StaticMacSchema, ip: Ipv4Schema, name: HostnameSchema.optional() })).max(256).optional(),
});

const common = {
  name: ObjectNameSchema,
  /** Start with the host (default true). */
  autostart: z.boolean().optional(),
  /** Start it now (default true). */
  start: z.boolean().optional(),
};
const routed = {
  ...common,
  /** The bridge libvirt creates for it; libvirt picks virbrN when absent. */
  bridge: BridgeNameSchema.optional(),
  ipv4: Ipv4CidrSchema,
  /** Hand out addresses (a range inside the subnet, and static hosts); no DHCP when absent. */
  dhcp: DhcpSchema.optional(),
  /** DNS domain for the guests, answered on the network only. */
  domain: DnsDomainSchema.optional(),
};

export const CreateNetworkBodySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('nat'), ...routed }),
  z.strictObject({ mode: z.literal('isolated'), ...routed }),
  z.strictObject({ mode: z.literal('bridge'), ...common, /** An existing bridge on the host. */ bridge: BridgeNameSchema }),
]).superRefine((b, ctx) => {
  if (b.mode === 'bridge' || !b.dhcp) return;
  const [address = '', prefix = '0'] = b.ipv4.split('/');
  const subnet = ipv4Subnet(address, Number(prefix));
  if (!subnet) return; // ipv4 itself already failed
  const gateway = ipv4ToNumber(address);
  const usable = (ip: string) => { const n = ipv4ToNumber(ip); return n !== null && n > subnet[0] && n < subnet[1] && n !== gateway; };
  const start = ipv4ToNumber(b.dhcp.start)!;
  const end = ipv4ToNumber(b.dhcp.end)!;
  if (!usable(b.dhcp.start) || !usable(b.dhcp.end)) ctx.addIssue({ code: 'custom', path: ['dhcp'], message: `the DHCP range must lie in ${b.ipv4}'s subnet, excluding the host address` });
  else if (start > end) ctx.addIssue({ code: 'custom', path: ['dhcp'], message: 'the DHCP range starts after it ends' });
  else if (gateway !== null && gateway >= start && gateway <= end) ctx.addIssue({ code: 'custom', path: ['dhcp'], message: 'the DHCP range must not include the host address' });
  (b.dhcp.hosts ?? []).forEach((h, i) => {
    if (!usable(h.ip)) ctx.addIssue({ code: 'custom', path: ['dhcp', 'hosts', i, 'ip'], message: `must lie in ${b.ipv4}'s subnet, excluding the host address` });
  });
}).meta({ id: 'CreateNetworkBody' });
export type CreateNetworkBody = z.infer<typeof CreateNetworkBodySchema>;

export const NetworkSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  uuid: z.string(),
  mode: NetworkModeSchema,
  active: z.boolean(),
  autostart: z.boolean(),
  /** libvirt's bridge (virbrN) or, in bridge mode, the host's. */
  bridge: z.string().nullable(),
  domain: z.string().nullable(),
  ipv4: z.object({
    address: z.string(),
    prefix: z.number().int(),
    dhcp: z.object({ start: z.string(), end: z.string() }).nullable(),
    hosts: z.array(z.object({ mac: z.string().nullable(), ip: z.string().nullable(), name: z.string().nullable() })),
  }).nullable(),
}).meta({ id: 'Network' });
export type Network = z.infer<typeof NetworkSchema>;

export const DhcpLeaseSchema = z.object({
  mac: z.string(),
  ipAddress: z.string(),
  prefix: z.number().int(),
  hostname: z.string().nullable(),
  clientId: z.string().nullable(),
  /** null when the lease does not expire. */
  expiresAt: TimestampSchema.nullable(),
}).meta({ id: 'DhcpLease' });

export const NetworkDetailSchema = NetworkSchema.extend({
  /** Current DHCP leases (empty when the network is inactive or hands out none). */
  leases: z.array(DhcpLeaseSchema),
}).meta({ id: 'NetworkDetail' });
export type NetworkDetail = z.infer<typeof NetworkDetailSchema>;

export const NetworkAutostartBodySchema = z.strictObject({ enabled: z.boolean() }).meta({ id: 'NetworkAutostartBody' });

const NetworkParams = z.strictObject({ name: ObjectNameSchema });
const READ = { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' } as const;
const MANAGE = { kind: 'privilege', privilege: 'network.manage', scope: '/hosts/:hostId' } as const;

const networkAction = (action: string, summary: string) => defineRoute({
  method: 'POST', path: `/networks/:name/${action}`, summary, tags: ['networks'], permission: MANAGE,
  params: NetworkParams, query: HostQuerySchema, body: EmptySchema,
  responses: { 200: NetworkSchema },
});

export const networkRoutes = {
  listNetworks: defineRoute({
    method: 'GET', path: '/networks', summary: "A host's virtual networks", tags: ['networks'], permission: READ,
    query: HostQuerySchema,
    responses: { 200: listOf(NetworkSchema) },
  }),
  createNetwork: defineRoute({
    method: 'POST', path: '/networks', summary: 'Create a NAT, isolated or bridged network (started and autostarted unless told otherwise)', tags: ['networks'],
    permission: MANAGE, query: HostQuerySchema, body: CreateNetworkBodySchema,
    responses: { 201: NetworkSchema },
  }),
  getNetwork: defineRoute({
    method: 'GET', path: '/networks/:name', summary: 'One network, with its current DHCP leases', tags: ['networks'], permission: READ,
    params: NetworkParams, query: HostQuerySchema,
    responses: { 200: NetworkDetailSchema },
  }),
  startNetwork: networkAction('start', 'Start a network'),
  stopNetwork: networkAction('stop', 'Stop a network (guests on it lose connectivity)'),
  setNetworkAutostart: defineRoute({
    method: 'PUT', path: '/networks/:name/autostart', summary: 'Whether the network starts with the host', tags: ['networks'],
    permission: MANAGE, params: NetworkParams, query: HostQuerySchema, body: NetworkAutostartBodySchema,
    responses: { 200: NetworkSchema },
  }),
  deleteNetwork: defineRoute({
    method: 'DELETE', path: '/networks/:name', summary: 'Stop and remove a network', tags: ['networks'],
    permission: MANAGE, params: NetworkParams, query: HostQuerySchema,
    responses: { 204: z.null() },
  }),
};
