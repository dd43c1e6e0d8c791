import { describe, expect, it } from 'vitest';
import { network } from '../../../testing/fixtures.ts';
import { buildNetworkBody, dhcpRangeFor, freeSubnet, initialNetworkForm, parseDhcpHosts, validateNetwork, type NetworkForm } from './network-form-model.ts';

const lan = network({ name: 'default' }); // 192.168.122.1/24
const at = (name: string, address: string, prefix = 24) => network({ name, bridge: `br-${name}`, ipv4: { address, prefix, dhcp: null, hosts: [] } });
const form = (over: Partial<NetworkForm> = {}): NetworkForm => ({ ...initialNetworkForm([lan]), name: 'lab', ...over });

describe('the new-network form', () => {
  it('starts as NAT on a /24 no network of the host uses, with DHCP over the rest of it', () => {
    expect(freeSubnet([])).toBe('192.168.100.1/24');
    expect(freeSubnet([lan, at('a', '192.168.100.1'), at('b', '192.168.96.1', 20)])).toBe('192.168.112.1/24');
    expect(buildNetworkBody(form())).toEqual({
      mode: 'nat', name: 'lab', start: true, autostart: true, ipv4: '192.168.100.1/24', dhcp: { start: '192.168.100.2', end: '192.168.100.254' },
    });
    expect(validateNetwork(form(), [lan])).toEqual({});
  });

  it('puts the DHCP range beside the host address, wherever it is in the subnet', () => {
    expect(dhcpRangeFor('10.0.0.254/24')).toEqual({ start: '10.0.0.1', end: '10.0.0.253' });
    expect(dhcpRangeFor('10.0.0.100/24')).toEqual({ start: '10.0.0.101', end: '10.0.0.254' });
    expect(dhcpRangeFor('10.250.7.1/30')).toEqual({ start: '10.250.7.2', end: '10.250.7.2' });
    expect(dhcpRangeFor('10.0.0.1')).toBeNull();
    expect(dhcpRangeFor('nonsense/24')).toBeNull();
  });

  it('sends a bridged network with only its bridge, and an isolated one with its options', () => {
    expect(buildNetworkBody(form({ mode: 'bridge', bridge: ' br0 ', ipv4: 'ignored' }))).toEqual({ mode: 'bridge', name: 'lab', start: true, autostart: true, bridge: 'br0' });
    expect(buildNetworkBody(form({ mode: 'isolated', dhcp: false, bridge: 'virbr9', domain: 'lab.example', start: false }))).toEqual({
      mode: 'isolated', name: 'lab', start: false, autostart: true, ipv4: '192.168.100.1/24', bridge: 'virbr9', domain: 'lab.example',
    });
  });

  it('sends fixed addresses one per line (MAC, address, optional name), and says which line is wrong', () => {
    const text = '52:54:00:AA:00:01 192.168.100.10 db\n\n  52:54:00:aa:00:02   192.168.100.11  \n';
    expect(parseDhcpHosts(text).hosts).toEqual([{ mac: '52:54:00:aa:00:01', ip: '192.168.100.10', name: 'db' }, { mac: '52:54:00:aa:00:02', ip: '192.168.100.11' }]);
    expect(buildNetworkBody(form({ dhcpHosts: text }))).toMatchObject({ dhcp: { hosts: [{ ip: '192.168.100.10' }, { ip: '192.168.100.11' }] } });
    expect(buildNetworkBody(form())).toMatchObject({ dhcp: { start: '192.168.100.2', end: '192.168.100.254' } });
    expect(JSON.stringify(buildNetworkBody(form()))).not.toContain('hosts');
    expect(validateNetwork(form({ dhcpHosts: text }), [])).toEqual({});
    expect(validateNetwork(form({ dhcpHosts: '52:54:00:aa:00:01' }), []).dhcpHosts).toBe('line 1: expected a MAC address, an IPv4 address and an optional host name');
    // The contract's own rules, on the line that broke them (blank lines counted).
    expect(validateNetwork(form({ dhcpHosts: '52:54:00:aa:00:01 192.168.100.10\n\n52:54:00:aa:00:02 10.0.0.5' }), []).dhcpHosts)
      .toBe("line 3: must lie in 192.168.100.1/24's subnet, excluding the host address");
    expect(validateNetwork(form({ dhcpHosts: '01:00:00:00:00:01 192.168.100.10' }), []).dhcpHosts).toBe('line 1: must be a unicast MAC');
    // No DHCP, or a bridged network: the text is not sent and not checked.
    expect(validateNetwork(form({ dhcp: false, dhcpHosts: 'junk' }), [])).toEqual({});
  });

  it("reports the contract's rules by field", () => {
    expect(validateNetwork(form({ name: '' }), [])).toEqual({ name: 'letters, digits, dots, dashes and underscores, starting with a letter or digit (max 64)' });
    expect(validateNetwork(form({ ipv4: '10.0.0.0/24' }), []).ipv4).toBe('must be the host address and prefix, such as 10.231.5.1/24 (prefix 8 to 30)');
    expect(validateNetwork(form({ dhcpStart: '10.9.9.9' }), []).dhcpRange).toBe("the DHCP range must lie in 192.168.100.1/24's subnet, excluding the host address");
    expect(validateNetwork(form({ dhcpStart: '192.168.100.200', dhcpEnd: '192.168.100.100' }), []).dhcpRange).toBe('the DHCP range starts after it ends');
    expect(validateNetwork(form({ dhcpStart: '192.168.100.300' }), []).dhcpStart).toBe('must be an IPv4 address such as 10.0.0.1');
    expect(validateNetwork(form({ domain: 'not a domain' }), []).domain).toBe('a DNS domain such as lab.example');
    expect(validateNetwork(form({ mode: 'bridge', bridge: '' }), []).bridge).toBe('an interface name: letters, digits, . _ - (max 15)');
  });

  it('catches what the server would refuse as a conflict with the networks it knows', () => {
    expect(validateNetwork(form({ name: 'default' }), [lan]).name).toBe('a network named default exists');
    expect(validateNetwork(form({ ipv4: '192.168.122.5/16' }), [lan]).ipv4).toBe('overlaps network default (192.168.122.1/24)');
    expect(validateNetwork(form({ bridge: 'virbr0' }), [lan]).bridge).toBe('network default already uses bridge virbr0');
    // A bridged network joins a host bridge others may join too.
    expect(validateNetwork(form({ mode: 'bridge', bridge: 'br0' }), [network({ name: 'lan2', mode: 'bridge', bridge: 'br0', ipv4: null })])).toEqual({});
  });
});
