import { describe, expect, it } from 'vitest';
import { constants as C, isNotFound, isOperationInvalid, isInvalidXml, isClosed, isUnsupported, LibvirtError } from './index.ts';
import { useTestDriver } from './test-support/test-driver.ts';

const DOMAIN_XML = (name: string) =>
  `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;

const t = useTestDriver();

describe('connection', () => {
  it('reports host facts', async () => {
    expect(await t.conn.getLibVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await t.conn.getType()).toBe('TEST');
    expect(await t.conn.getURI()).toBe('test:///default');
    expect(await t.conn.isAlive()).toBe(true);
    expect(await t.conn.getCapabilities()).toContain('<capabilities>');
    const node = await t.conn.getNodeInfo();
    expect(node.cpus).toBeGreaterThan(0);
    expect(node.memoryKiB).toBeGreaterThan(0);
    expect(await t.conn.getFreeMemory()).toBeGreaterThan(0);
  });

  it('reports host CPU times and says the test driver has no memory stats', async () => {
    const cpu = await t.conn.getNodeCPUStats();
    expect(Object.keys(cpu).sort()).toEqual(['idle', 'iowait', 'kernel', 'user']);
    for (const v of Object.values(cpu)) expect(v).toBeGreaterThan(0);
    expect(await t.conn.getNodeCPUStats(0)).toMatchObject({ user: expect.any(Number) });
    // Only real drivers read /proc/meminfo; the server falls back to node info + free memory.
    await expect(t.conn.getNodeMemoryStats()).rejects.toSatisfy(isUnsupported);
  });

  it('opens read-only and refuses writes there', async () => {
    const ro = await t.lv.open('test:///default', { readOnly: true });
    try {
      expect((await ro.listDomains()).map((d) => d.name)).toContain('test');
      await expect(ro.defineDomain(DOMAIN_XML('ro-refused'))).rejects.toMatchObject({ code: C.VIR_ERR_OPERATION_DENIED });
    } finally {
      await ro.close();
    }
  });

  it('rejects an unknown URI with libvirt\'s error', async () => {
    await expect(t.lv.open('bogus:///nothing')).rejects.toMatchObject({ name: 'LibvirtError', code: C.VIR_ERR_NO_CONNECT });
  });

  it('fails fast after close', async () => {
    const c = await t.lv.open('test:///default');
    await c.close();
    const err = await c.listDomains().catch((e: unknown) => e);
    expect(isClosed(err)).toBe(true);
  });
});

describe('domains', () => {
  it('define, start, inspect, suspend, resume, destroy, undefine', async () => {
    const ref = await t.conn.defineDomain(DOMAIN_XML('unit-lifecycle'));
    expect(ref).toMatchObject({ name: 'unit-lifecycle', id: -1 });
    expect(ref.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const d = t.conn.domain(ref.uuid);
    expect(await d.getState()).toEqual({ state: C.VIR_DOMAIN_SHUTOFF, reason: expect.any(Number) });
    await d.start();
    expect((await d.getState()).state).toBe(C.VIR_DOMAIN_RUNNING);
    expect((await t.conn.lookupDomainByName('unit-lifecycle')).id).toBeGreaterThan(0);
    const info = await d.getInfo();
    expect(info).toMatchObject({ state: C.VIR_DOMAIN_RUNNING, maxMemKiB: 65536, vcpus: 1 });
    await d.suspend();
    expect((await d.getState()).state).toBe(C.VIR_DOMAIN_PAUSED);
    await d.resume();
    expect(await d.getXML()).toContain('<name>unit-lifecycle</name>');
    expect(await d.isPersistent()).toBe(true);
    await d.setAutostart(true);
    expect(await d.getAutostart()).toBe(true);
    await d.destroy();
    await d.undefine();
    await expect(d.getState()).rejects.toSatisfy(isNotFound);
  });

  it('changes memory and vCPUs in the persistent config', async () => {
    const ref = await t.conn.defineDomain(DOMAIN_XML('unit-setters').replace('<vcpu>1</vcpu>', "<vcpu current='1'>2</vcpu>"));
    const d = t.conn.domain(ref.uuid);
    try {
      await d.setMemory(32 * 1024, C.VIR_DOMAIN_AFFECT_CONFIG);
      await d.setVcpus(2, C.VIR_DOMAIN_AFFECT_CONFIG);
      const xml = await d.getXML(C.VIR_DOMAIN_XML_INACTIVE);
      expect(xml).toMatch(/<currentMemory unit='KiB'>32768<\/currentMemory>/);
      expect(xml).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
    } finally {
      await d.undefine();
    }
  });

  it('maps wrong-state and bad-XML failures to their codes', async () => {
    const running = (await t.conn.lookupDomainByName('test')).uuid;
    const err = await t.conn.domain(running).start().catch((e: unknown) => e);
    expect(isOperationInvalid(err) || (err as LibvirtError).code === C.VIR_ERR_INTERNAL_ERROR).toBe(true);
    await expect(t.conn.defineDomain('<domain type=')).rejects.toSatisfy(isInvalidXml);
  });

  it('returns every domain\'s stats in one call, typed parameters decoded', async () => {
    const records = await t.conn.getAllDomainStats(C.VIR_DOMAIN_STATS_STATE);
    const test = records.find((r) => r.name === 'test');
    expect(test?.stats['state.state']).toBe(C.VIR_DOMAIN_RUNNING);
    expect(typeof test?.stats['state.reason']).toBe('number');
  });
});

describe('snapshots', () => {
  it('create, list, parent, current, revert, delete', async () => {
    const ref = await t.conn.defineDomain(DOMAIN_XML('unit-snap'));
    const d = t.conn.domain(ref.uuid);
    try {
      await d.start();
      expect(await d.currentSnapshot()).toBeNull();
      expect(await d.createSnapshot('<domainsnapshot><name>s1</name></domainsnapshot>')).toBe('s1');
      expect(await d.createSnapshot('<domainsnapshot><name>s2</name></domainsnapshot>')).toBe('s2');
      expect((await d.listSnapshots()).sort()).toEqual(['s1', 's2']);
      expect(await d.currentSnapshot()).toBe('s2');
      expect(await d.snapshotParent('s2')).toBe('s1');
      expect(await d.snapshotParent('s1')).toBeNull();
      expect(await d.snapshotXML('s1')).toContain('<name>s1</name>');
      await d.revertToSnapshot('s1');
      expect(await d.snapshotIsCurrent('s1')).toBe(true);
      await d.deleteSnapshot('s2');
      expect(await d.listSnapshots()).toEqual(['s1']);
      await expect(d.snapshotXML('nope')).rejects.toSatisfy(isNotFound);
    } finally {
      await d.destroy().catch(() => undefined);
      await d.undefine(C.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
    }
  });
});

describe('storage and networks', () => {
  it('manages a pool and its volumes', async () => {
    const pools = await t.conn.listStoragePools();
    expect(pools.map((p) => p.name)).toContain('default-pool');
    const pool = await t.conn.defineStoragePool("<pool type='dir'><name>unit-pool</name><target><path>/unit-pool</path></target></pool>");
    expect(pool).toMatchObject({ name: 'unit-pool', active: false });
    try {
      await t.conn.buildStoragePool('unit-pool');
      await t.conn.startStoragePool('unit-pool');
      await t.conn.setStoragePoolAutostart('unit-pool', true);
      expect(await t.conn.getStoragePool('unit-pool')).toMatchObject({ active: true, autostart: true });
      const vol = await t.conn.createVolume('unit-pool', "<volume><name>disk1.qcow2</name><capacity unit='MiB'>64</capacity></volume>");
      expect(vol).toMatchObject({ name: 'disk1.qcow2', capacity: 64 * 1024 * 1024 });
      // The test driver has no resize; the real daemon's is exercised in storage.int.test.ts.
      await expect(t.conn.resizeVolume('unit-pool', 'disk1.qcow2', 128 * 1024 * 1024)).rejects.toSatisfy(isUnsupported);
      const copy = await t.conn.cloneVolume('unit-pool', '<volume><name>disk2.qcow2</name><capacity>0</capacity></volume>', { pool: 'unit-pool', volume: 'disk1.qcow2' });
      expect(copy.name).toBe('disk2.qcow2');
      expect((await t.conn.listVolumes('unit-pool')).map((v) => v.name).sort()).toEqual(['disk1.qcow2', 'disk2.qcow2']);
      expect((await t.conn.getStoragePoolInfo('unit-pool')).capacity).toBeGreaterThan(0);
      await t.conn.deleteVolume('unit-pool', 'disk1.qcow2');
      await t.conn.deleteVolume('unit-pool', 'disk2.qcow2');
      await expect(t.conn.getVolume('unit-pool', 'disk1.qcow2')).rejects.toSatisfy(isNotFound);
    } finally {
      await t.conn.stopStoragePool('unit-pool').catch(() => undefined);
      await t.conn.undefineStoragePool('unit-pool');
    }
  });

  it('manages a network', async () => {
    expect((await t.conn.listNetworks()).map((n) => n.name)).toContain('default');
    const net = await t.conn.defineNetwork("<network><name>unit-net</name><bridge name='unitbr0'/><ip address='192.0.2.1' netmask='255.255.255.0'/></network>");
    expect(net).toMatchObject({ name: 'unit-net', active: false, autostart: false });
    try {
      await t.conn.startNetwork('unit-net');
      await t.conn.setNetworkAutostart('unit-net', true);
      expect(await t.conn.getNetwork('unit-net')).toMatchObject({ active: true, autostart: true });
      expect(await t.conn.getNetworkXML('unit-net')).toContain("name='unitbr0'");
      await t.conn.stopNetwork('unit-net');
    } finally {
      await t.conn.undefineNetwork('unit-net');
    }
    await expect(t.conn.getNetwork('unit-net')).rejects.toSatisfy(isNotFound);
  });
});
