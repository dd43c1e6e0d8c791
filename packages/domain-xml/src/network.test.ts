import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNetworkXml, netmaskToPrefix, parseNetwork, parseXml, XmlBuildError, XmlParseError } from './index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseNetwork (virsh net-dumpxml on this machine)', () => {
  it('reads a NAT network with DHCP range, static hosts and a domain', () => {
    expect(parseNetwork(fixture('network-nat.xml'))).toEqual({
      name: 'ferry-fix-nat',
      uuid: '5c417dcc-7316-4873-998e-bb98f75cbae6',
      mode: 'nat',
      bridge: 'virbr1',
      mac: '52:54:00:dc:20:7f',
      domain: 'lab.example',
      ipv4: {
        address: '10.231.10.1', prefix: 24,
        dhcpRange: { start: '10.231.10.100', end: '10.231.10.199' },
        hosts: [{ mac: '52:54:00:aa:bb:01', ip: '10.231.10.11', name: 'web1' }, { mac: '52:54:00:aa:bb:02', ip: '10.231.10.12' }],
      },
    });
  });

  it("reads libvirt's default network (netmask instead of prefix, <nat> port range)", () => {
    expect(parseNetwork(fixture('network-nat-default.xml'))).toMatchObject({
      name: 'default', mode: 'nat', bridge: 'virbr0',
      ipv4: { address: '192.168.122.1', prefix: 24, dhcpRange: { start: '192.168.122.2', end: '192.168.122.254' }, hosts: [] },
    });
  });

  it('tells the modes apart: no <forward> is isolated', () => {
    expect(parseNetwork(fixture('network-isolated.xml'))).toMatchObject({ mode: 'isolated', bridge: 'virbr2', ipv4: { address: '10.231.11.1', prefix: 24, hosts: [] } });
    expect(parseNetwork(fixture('network-isolated.xml')).ipv4?.dhcpRange).toBeUndefined();
    expect(parseNetwork(fixture('network-route.xml'))).toMatchObject({ mode: 'route', ipv4: { address: '10.231.12.1' } });
    expect(parseNetwork(fixture('network-open.xml'))).toMatchObject({ mode: 'open' });
    const bridged = parseNetwork(fixture('network-bridge.xml'));
    expect(bridged).toMatchObject({ mode: 'bridge', bridge: 'br0' });
    expect(bridged.ipv4).toBeUndefined();
  });

  it('keeps modes it has no name for as other, with the raw mode', () => {
    const xml = "<network><name>m</name><forward mode='passthrough'><interface dev='eth1'/></forward></network>";
    expect(parseNetwork(xml)).toMatchObject({ mode: 'other', forwardMode: 'passthrough' });
  });

  it('skips IPv6 and reads the IPv4 subnet after it', () => {
    const xml = `<network><name>d</name><ip family='ipv6' address='fd00::1' prefix='64'/><ip address='10.231.20.1' netmask='255.255.254.0'/></network>`;
    expect(parseNetwork(xml).ipv4).toEqual({ address: '10.231.20.1', prefix: 23, hosts: [] });
  });

  it('refuses documents that are not networks', () => {
    expect(() => parseNetwork(fixture('pool-dir.xml'))).toThrow(XmlParseError);
  });
});

describe('netmaskToPrefix', () => {
  it('converts contiguous masks only', () => {
    expect(netmaskToPrefix('255.255.255.0')).toBe(24);
    expect(netmaskToPrefix('255.255.255.255')).toBe(32);
    expect(netmaskToPrefix('0.0.0.0')).toBe(0);
    expect(netmaskToPrefix('255.0.255.0')).toBeUndefined();
    expect(netmaskToPrefix('255.255.256.0')).toBeUndefined();
  });
});

describe('buildNetworkXml', () => {
  it('builds a NAT network that parses back to what was asked', () => {
    const xml = buildNetworkXml({
      mode: 'nat', name: 'lab', bridge: 'virbr77', domain: 'lab.example',
      ipv4: { address: '10.231.30.1', prefix: 24 },
      dhcp: { start: '10.231.30.100', end: '10.231.30.150', hosts: [{ mac: '52:54:00:00:00:01', ip: '10.231.30.10', name: 'db' }] },
    });
    expect(parseNetwork(xml)).toEqual({
      name: 'lab', uuid: '', mode: 'nat', bridge: 'virbr77', domain: 'lab.example',
      ipv4: { address: '10.231.30.1', prefix: 24, dhcpRange: { start: '10.231.30.100', end: '10.231.30.150' }, hosts: [{ mac: '52:54:00:00:00:01', ip: '10.231.30.10', name: 'db' }] },
    });
  });

  it('builds an isolated network without <forward>, and lets libvirt name the bridge', () => {
    const xml = buildNetworkXml({ mode: 'isolated', name: 'iso', ipv4: { address: '10.231.31.1', prefix: 24 } });
    expect(parseXml(xml).children.map((c) => c.name)).toEqual(['name', 'bridge', 'ip']);
    expect(parseNetwork(xml)).toMatchObject({ mode: 'isolated', ipv4: { address: '10.231.31.1', prefix: 24, hosts: [] } });
    expect(parseNetwork(xml).bridge).toBeUndefined();
  });

  it('builds a bridged network on an existing host bridge', () => {
    expect(parseNetwork(buildNetworkXml({ mode: 'bridge', name: 'lan', bridge: 'br0' }))).toEqual({ name: 'lan', uuid: '', mode: 'bridge', bridge: 'br0' });
  });

  it('escapes every value', () => {
    const evil = `n'"<>&</name><forward mode='nat'/><name>`;
    const xml = buildNetworkXml({ mode: 'isolated', name: evil, domain: evil, ipv4: { address: evil, prefix: 24 }, dhcp: { start: evil, end: evil } });
    expect(parseXml(xml).children.map((c) => c.name)).toEqual(['name', 'bridge', 'domain', 'ip']);
    expect(parseNetwork(xml)).toMatchObject({ name: evil, mode: 'isolated', domain: evil });
  });

  it('refuses a prefix outside 0-32', () => {
    expect(() => buildNetworkXml({ mode: 'nat', name: 'x', ipv4: { address: '10.0.0.1', prefix: 33 } })).toThrow(XmlBuildError);
  });
});
