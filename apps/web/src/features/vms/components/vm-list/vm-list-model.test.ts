import { describe, expect, it } from 'vitest';
import { vm } from '../../../../testing/fixtures.ts';
import { allTags, EMPTY_FILTER, filterVms, sortVms } from './vm-list-model.ts';

const vms = [
  vm({ name: 'web-10', state: 'running', tags: ['prod'], ips: ['10.0.0.5'], memoryMiB: 2048, uptimeS: 50 }),
  vm({ name: 'web-2', state: 'shutoff', tags: ['dev'], memoryMiB: 512 }),
  vm({ name: 'db', state: 'running', hostId: 'h2', memoryMiB: 4096, uptimeS: 10 }),
  vm({ name: 'golden', template: true }),
];
const names = (list: { name: string }[]) => list.map((v) => v.name);

describe('VM list filtering and sorting', () => {
  it('filters by text (name, IP, tag), state, host, tag and templates', () => {
    expect(names(filterVms(vms, { ...EMPTY_FILTER, text: 'WEB' }))).toEqual(['web-10', 'web-2']);
    expect(names(filterVms(vms, { ...EMPTY_FILTER, text: '10.0.0' }))).toEqual(['web-10']);
    expect(names(filterVms(vms, { ...EMPTY_FILTER, state: 'running', hostId: 'h2' }))).toEqual(['db']);
    expect(names(filterVms(vms, { ...EMPTY_FILTER, tag: 'dev' }))).toEqual(['web-2']);
    expect(names(filterVms(vms, { ...EMPTY_FILTER, templates: false }))).not.toContain('golden');
  });

  it('sorts names naturally and numbers numerically, both ways; nulls first ascending', () => {
    expect(names(sortVms(vms, { key: 'name', dir: 'asc' }))).toEqual(['db', 'golden', 'web-2', 'web-10']);
    expect(names(sortVms(vms, { key: 'memoryMiB', dir: 'desc' }))).toEqual(['db', 'web-10', 'golden', 'web-2']);
    expect(names(sortVms(vms, { key: 'uptimeS', dir: 'asc' }))).toEqual(['golden', 'web-2', 'db', 'web-10']);
  });

  it('lists every tag once', () => {
    expect(allTags(vms)).toEqual(['dev', 'prod']);
  });
});
