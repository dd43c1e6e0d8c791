// Virtual networks on one host: list, show (with DHCP leases), create, start/stop, autostart,
// remove.
//
// Create checks what libvirt would only find out when the network starts (or never): the
// name is free, no other network uses the subnet or the bridge name. A failure after the
// define undefines it again, so a 201 means the network exists as asked and an error leaves
// nothing behind.
import { buildNetworkXml, parseNetwork, type NetworkSpec, type NetworkXml } from '@ferry/domain-xml';
import { isDisconnected, isTimeout, type NetworkSummary } from '@ferry/libvirt';
import { ipv4Subnet, type CreateNetworkBody, type Network, type NetworkDetail } from '@ferry/contract';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { lv, type HostTarget } from '../storage/host-target.ts';
import { toLeaseDto, toNetworkDto } from './networks.mapper.ts';

type Target = Pick<HostTarget, 'hostId' | 'conn'>;

async function describe(t: Target, summary: NetworkSummary): Promise<{ dto: Network; xml: NetworkXml }> {
  const xml = parseNetwork(await lv('reading the network', () => t.conn.getNetworkXML(summary.name)));
  return { dto: toNetworkDto(t.hostId, summary, xml), xml };
}

async function all(t: Target): Promise<{ dto: Network; xml: NetworkXml }[]> {
  const summaries = await lv('listing networks', () => t.conn.listNetworks());
  const found = await Promise.all(summaries.map((s) => describe(t, s).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return null; // removed while we listed
    throw e;
  })));
  return found.filter((n) => n !== null).sort((a, b) => a.dto.name.localeCompare(b.dto.name));
}

export async function listNetworks(t: Target): Promise<Network[]> {
  return (await all(t)).map((n) => n.dto);
}

export async function getNetwork(t: Target, name: string): Promise<Network> {
  return (await describe(t, await lv('looking up the network', () => t.conn.getNetwork(name)))).dto;
}

export async function getNetworkDetail(t: Target, name: string): Promise<NetworkDetail> {
  const network = await getNetwork(t, name);
  if (!network.active || !network.ipv4) return { ...network, leases: [] };
  try {
    return { ...network, leases: (await t.conn.getDhcpLeases(name)).map(toLeaseDto) };
  } catch (e) {
    // Leases are a detail: a network without dnsmasq, or a driver that keeps none, has none.
    if (isDisconnected(e) || isTimeout(e)) throw fromLibvirt(e, 'reading DHCP leases');
    return { ...network, leases: [] };
  }
}

export async function createNetwork(t: Target, body: CreateNetworkBody): Promise<Network> {
  const existing = await all(t);
  if (existing.some((n) => n.dto.name === body.name)) throw new AppError('CONFLICT', `a network named ${body.name} exists`);
  const spec = toSpec(body);
  if (spec.mode !== 'bridge') {
    const mine = ipv4Subnet(spec.ipv4.address, spec.ipv4.prefix)!;
    for (const { xml } of existing) {
      if (spec.bridge !== undefined && xml.mode !== 'bridge' && xml.bridge === spec.bridge) throw new AppError('CONFLICT', `network ${xml.name} already uses bridge ${spec.bridge}`);
      const theirs = xml.ipv4 && ipv4Subnet(xml.ipv4.address, xml.ipv4.prefix);
      if (theirs && theirs[0] <= mine[1] && mine[0] <= theirs[1]) {
        throw new AppError('CONFLICT', `network ${xml.name} already uses ${xml.ipv4!.address}/${xml.ipv4!.prefix}, which overlaps ${spec.ipv4.address}/${spec.ipv4.prefix}`);
      }
    }
  }
  try {
    await t.conn.defineNetwork(buildNetworkXml(spec));
  } catch (e) {
    if (await t.conn.getNetwork(body.name).then(() => true, () => false)) throw new AppError('CONFLICT', `a network named ${body.name} exists`);
    throw fromLibvirt(e, 'defining the network');
  }
  try {
    if (body.start ?? true) await t.conn.startNetwork(body.name);
    if (body.autostart ?? true) await t.conn.setNetworkAutostart(body.name, true);
  } catch (e) {
    await t.conn.stopNetwork(body.name).catch(() => undefined);
    await t.conn.undefineNetwork(body.name).catch(() => undefined);
    throw fromLibvirt(e, 'starting the network');
  }
  return getNetwork(t, body.name);
}

function toSpec(body: CreateNetworkBody): NetworkSpec {
  if (body.mode === 'bridge') return { mode: 'bridge', name: body.name, bridge: body.bridge };
  const [address = '', prefix = ''] = body.ipv4.split('/');
  return {
    mode: body.mode,
    name: body.name,
    ipv4: { address, prefix: Number(prefix) },
    ...(body.bridge !== undefined ? { bridge: body.bridge } : {}),
    ...(body.domain !== undefined ? { domain: body.domain } : {}),
    ...(body.dhcp ? { dhcp: { start: body.dhcp.start, end: body.dhcp.end, hosts: (body.dhcp.hosts ?? []).map((h) => ({ mac: h.mac, ip: h.ip, ...(h.name ? { name: h.name } : {}) })) } } : {}),
  };
}

/**
 * Starting a running network or stopping a stopped one is INVALID_STATE. Checked here first:
 * not every driver refuses (the test driver "stops" a stopped network); libvirt's own
 * OPERATION_INVALID still answers a race.
 */
export async function networkAction(t: Target, name: string, action: 'start' | 'stop'): Promise<Network> {
  const { active } = await lv('looking up the network', () => t.conn.getNetwork(name));
  if (active === (action === 'start')) throw new AppError('INVALID_STATE', `network ${name} is ${active ? 'already running' : 'not running'}`);
  await lv(`${action === 'start' ? 'starting' : 'stopping'} the network`, () => (action === 'start' ? t.conn.startNetwork(name) : t.conn.stopNetwork(name)));
  return getNetwork(t, name);
}

export async function setNetworkAutostart(t: Target, name: string, enabled: boolean): Promise<{ before: Network; after: Network }> {
  const before = await getNetwork(t, name);
  await lv('setting autostart', () => t.conn.setNetworkAutostart(name, enabled));
  return { before, after: await getNetwork(t, name) };
}

/** Stops the network if it runs (its guests lose connectivity), then removes its definition. */
export async function deleteNetwork(t: Target, name: string): Promise<Network> {
  const before = await getNetwork(t, name);
  if (before.active) await lv('stopping the network', () => t.conn.stopNetwork(name));
  await lv('removing the network', () => t.conn.undefineNetwork(name));
  return before;
}
