// A guest on an isolated test network gets a DHCP lease, and the binding reads it from
// libvirt's dnsmasq. No traffic is sent to the guest: its address comes from the lease
// and is compared with what the guest prints on its serial console.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type Connection } from './index.ts';
import { ConsoleReader } from '../../../scripts/testing/console-reader.ts';
import { TEST_PREFIX, tinyDomain, type TinyDomain } from '../../../scripts/tinyguest/domain.ts';

const net = `${TEST_PREFIX}net-${randomBytes(2).toString('hex')}`;
const bridge = `ftest${randomBytes(2).toString('hex')}`;
const mac = `52:54:00:fe:${randomBytes(2).toString('hex').replace(/(..)(..)/, '$1:$2')}`;
let lv: Libvirt;
let conn: Connection;
let tiny: TinyDomain;
let uuid: string | null = null;

beforeAll(async () => {
  lv = await Libvirt.start();
  conn = await lv.open('qemu:///system');
  // Isolated (no <forward>): DHCP on a private bridge, no NAT rules, no route out.
  await conn.defineNetwork(`<network><name>${net}</name><bridge name='${bridge}'/>
    <ip address='10.253.77.1' netmask='255.255.255.0'><dhcp><range start='10.253.77.100' end='10.253.77.150'/></dhcp></ip></network>`);
  await conn.startNetwork(net);
  tiny = await tinyDomain('dhcp');
});
afterAll(async () => {
  if (uuid) {
    await conn.domain(uuid).destroy().catch(() => undefined);
    await conn.domain(uuid).undefine().catch(() => undefined);
  }
  tiny?.cleanup();
  await conn.stopNetwork(net).catch(() => undefined);
  await conn.undefineNetwork(net).catch(() => undefined);
  await lv.close();
});

describe('networks on qemu:///system', () => {
  it('reports the DHCP lease a guest got', async () => {
    expect(await conn.getNetwork(net)).toMatchObject({ active: true });
    const xml = tiny.xml.replace('</devices>', `<interface type='network'><source network='${net}'/><mac address='${mac}'/><model type='virtio'/></interface></devices>`);
    uuid = (await conn.defineDomain(xml)).uuid;
    await conn.domain(uuid).start();
    const serial = new ConsoleReader(await conn.openConsole(uuid));
    const bound = await serial.waitFor(/tinyguest: eth0 ([\d.]+)\//, 90_000);
    const deadline = Date.now() + 10_000;
    let leases = await conn.getDhcpLeases(net, mac);
    while (leases.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      leases = await conn.getDhcpLeases(net, mac);
    }
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ mac, ipAddress: bound[1], prefix: 24, iface: bridge });
    await serial.stream.abort();
  });
});
