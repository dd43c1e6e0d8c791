import { describe, expect, it } from 'vitest';
import { host, network, pool, vm } from '../../testing/fixtures.ts';
import { visibleRows, type TreeData } from './tree-model.ts';

const data: TreeData = {
  hosts: [host({ id: 'h1', name: 'alpha' }), host({ id: 'h2', name: 'beta', state: 'disconnected' })],
  vms: [vm({ name: 'web-2', hostId: 'h1', state: 'running' }), vm({ name: 'golden', hostId: 'h1', template: true }), vm({ name: 'web-10', hostId: 'h1' }), vm({ name: 'db', hostId: 'h2' })],
  pools: new Map([['h1', [pool({ name: 'default' })]]]),
  networks: new Map([['h1', [network({ name: 'lan' })]]]),
};
const labels = (rows: { label: string; level: number }[]) => rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`);

describe('the resource tree', () => {
  it('lists hosts, their VMs by name then templates, storage and networks', () => {
    expect(labels(visibleRows(data, new Set(), ''))).toEqual([
      'Datacenter',
      '  alpha', '    web-2', '    web-10', '    golden', '    Storage', '      default', '    Networks', '      lan',
      '  beta', '    db', '    Storage', '    Networks',
    ]);
    const rows = visibleRows(data, new Set(), '');
    expect(rows.find((r) => r.label === 'web-2')).toMatchObject({ vmState: 'running', icon: 'vm' });
    expect(rows.find((r) => r.label === 'golden')).toMatchObject({ vmState: undefined, icon: 'template' });
    expect(rows.find((r) => r.label === 'beta')).toMatchObject({ hostState: 'disconnected', expanded: true });
  });

  it("opens a host's pool and network lists from its Storage and Networks groups, even empty ones", () => {
    const rows = visibleRows(data, new Set(), '');
    expect(rows.find((r) => r.id === 'storage:h1')).toMatchObject({ to: '/storage/h1', expandable: true });
    expect(rows.find((r) => r.id === 'networks:h2')).toMatchObject({ to: '/networks/h2', expandable: false });
    expect(rows.find((r) => r.label === 'default')).toMatchObject({ to: '/storage/h1/default' });
  });

  it('closes what the user closed', () => {
    expect(labels(visibleRows(data, new Set(['host:h1', 'storage:h2']), ''))).toEqual([
      'Datacenter', '  alpha', '  beta', '    db', '    Storage', '    Networks',
    ]);
  });

  it('filters by name, keeping the path to each match and opening it', () => {
    expect(labels(visibleRows(data, new Set(['host:h1']), 'WEB'))).toEqual(['Datacenter', '  alpha', '    web-2', '    web-10']);
    expect(labels(visibleRows(data, new Set(), 'lan'))).toEqual(['Datacenter', '  alpha', '    Networks', '      lan']);
    expect(visibleRows(data, new Set(), 'nothing-matches')).toEqual([]);
  });

  it('gives every row a unique key, even a VM listed on two hosts mid-migration', () => {
    const moving = vm({ name: 'moving', hostId: 'h1', state: 'running' });
    const rows = visibleRows({ ...data, vms: [moving, { ...moving, hostId: 'h2', state: 'paused' }] }, new Set(), '');
    const copies = rows.filter((r) => r.id === `vm:${moving.id}`);
    expect(copies.map((r) => r.vmState)).toEqual(['running', 'paused']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});
