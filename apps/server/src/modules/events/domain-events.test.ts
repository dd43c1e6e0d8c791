// libvirt domain events → stream events, with the detail words taken from libvirt's constants.
import { describe, expect, it } from 'vitest';
import { constants as C, type DomainEvent } from '@ferry/libvirt';
import { lifecycleDetail, toEventInput } from './domain-events.ts';

const domain = { uuid: '11111111-1111-4111-8111-111111111111', name: 'web', id: 3 };
const lifecycle = (event: number, detail: number, eventName: string): DomainEvent => ({ kind: 'lifecycle', domain, event, detail, eventName });

describe('domain events', () => {
  it('names lifecycle details as words', () => {
    expect(lifecycleDetail(C.VIR_DOMAIN_EVENT_STARTED, C.VIR_DOMAIN_EVENT_STARTED_BOOTED)).toBe('booted');
    expect(lifecycleDetail(C.VIR_DOMAIN_EVENT_STOPPED, C.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)).toBe('destroyed');
    expect(lifecycleDetail(C.VIR_DOMAIN_EVENT_STARTED, C.VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT)).toBe('from-snapshot');
    expect(lifecycleDetail(C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_IOERROR)).toBe('ioerror');
    expect(lifecycleDetail(C.VIR_DOMAIN_EVENT_STOPPED, 99)).toBe('unknown');
  });

  it('maps state changes to vm.state with the state they lead to', () => {
    const cases: [number, number, string, string, string][] = [
      [C.VIR_DOMAIN_EVENT_STARTED, C.VIR_DOMAIN_EVENT_STARTED_BOOTED, 'started', 'running', 'booted'],
      [C.VIR_DOMAIN_EVENT_SUSPENDED, C.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, 'suspended', 'paused', 'paused'],
      [C.VIR_DOMAIN_EVENT_RESUMED, C.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, 'resumed', 'running', 'unpaused'],
      [C.VIR_DOMAIN_EVENT_STOPPED, C.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, 'stopped', 'shutoff', 'shutdown'],
      [C.VIR_DOMAIN_EVENT_SHUTDOWN, C.VIR_DOMAIN_EVENT_SHUTDOWN_GUEST, 'shutdown', 'other', 'guest'],
      [C.VIR_DOMAIN_EVENT_CRASHED, C.VIR_DOMAIN_EVENT_CRASHED_PANICKED, 'crashed', 'crashed', 'panicked'],
      [C.VIR_DOMAIN_EVENT_PMSUSPENDED, C.VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY, 'pmsuspended', 'pmsuspended', 'memory'],
    ];
    for (const [event, detail, name, state, reason] of cases) {
      expect(toEventInput('h1', lifecycle(event, detail, name), 'T')).toEqual({ type: 'vm.state', vmId: domain.uuid, hostId: 'h1', name: 'web', state, reason, at: 'T' });
    }
  });

  it('maps definitions to vm.config; a rename is an update', () => {
    const change = (e: DomainEvent) => (toEventInput('h1', e, 'T') as { change: string }).change;
    expect(change(lifecycle(C.VIR_DOMAIN_EVENT_DEFINED, C.VIR_DOMAIN_EVENT_DEFINED_ADDED, 'defined'))).toBe('defined');
    expect(change(lifecycle(C.VIR_DOMAIN_EVENT_DEFINED, C.VIR_DOMAIN_EVENT_DEFINED_UPDATED, 'defined'))).toBe('updated');
    expect(change(lifecycle(C.VIR_DOMAIN_EVENT_DEFINED, C.VIR_DOMAIN_EVENT_DEFINED_RENAMED, 'defined'))).toBe('updated');
    expect(change(lifecycle(C.VIR_DOMAIN_EVENT_UNDEFINED, C.VIR_DOMAIN_EVENT_UNDEFINED_REMOVED, 'undefined'))).toBe('undefined');
    expect(change(lifecycle(C.VIR_DOMAIN_EVENT_UNDEFINED, C.VIR_DOMAIN_EVENT_UNDEFINED_RENAMED, 'undefined'))).toBe('updated');
  });

  it('passes other kinds through as vm.event with libvirt’s payload', () => {
    expect(toEventInput('h1', { kind: 'ioError', domain, srcPath: '/x.qcow2', alias: 'virtio-disk0', action: 1, reason: 'enospc' }, 'T'))
      .toEqual({ type: 'vm.event', vmId: domain.uuid, hostId: 'h1', kind: 'ioError', detail: { srcPath: '/x.qcow2', alias: 'virtio-disk0', action: 1, reason: 'enospc' }, at: 'T' });
    expect(toEventInput('h1', { kind: 'reboot', domain } as DomainEvent, 'T')).toMatchObject({ type: 'vm.event', kind: 'reboot', detail: {} });
  });
});
