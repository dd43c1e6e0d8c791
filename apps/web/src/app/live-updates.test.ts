import { describe, expect, it, vi } from 'vitest';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import type { EventMessage, Host, Task, VmSummary } from '@ferry/contract';
import { hostKeys } from '../features/hosts/api/host-keys.ts';
import { taskKeys } from '../features/tasks/api/task-keys.ts';
import { vmKeys } from '../features/vms/api/vm-keys.ts';
import { host, task, vm } from '../testing/fixtures.ts';
import { applyEvent, EVENT_EFFECTS, resyncCache } from './live-updates.ts';

const at = '2026-01-01T00:00:01.000Z';
const vmState = (vmId: string, state: VmSummary['state']): EventMessage => ({ type: 'vm.state', seq: 1, vmId, hostId: 'local', name: 'x', state, reason: 'booted', at });

function client() {
  const qc = new QueryClient();
  const invalidated: unknown[] = [];
  vi.spyOn(qc, 'invalidateQueries').mockImplementation(async (filters) => {
    invalidated.push(filters && 'queryKey' in filters ? filters.queryKey : filters);
  });
  return { qc, invalidated };
}

describe('the event → cache table', () => {
  it('has an entry for every event type of the contract', () => {
    expect(Object.keys(EVENT_EFFECTS).sort()).toEqual(['host.state', 'task', 'vm.config', 'vm.event', 'vm.state']);
  });

  it('vm.state patches the VM in the list at once and refreshes its detail', () => {
    const { qc, invalidated } = client();
    const a = vm({ state: 'shutoff' });
    const b = vm({ state: 'shutoff' });
    qc.setQueryData(vmKeys.list(), [a, b]);
    applyEvent(qc, vmState(a.id, 'running'));
    const list = qc.getQueryData<VmSummary[]>(vmKeys.list())!;
    expect(list[0]).toMatchObject({ id: a.id, state: 'running', reason: 'booted' });
    expect(list[1]).toBe(b); // untouched rows keep their identity (no re-render)
    expect(invalidated).toEqual([vmKeys.detail(a.id)]);
  });

  it('vm.state for a VM the list does not know refetches the list', () => {
    const { qc, invalidated } = client();
    qc.setQueryData(vmKeys.list(), [vm()]);
    applyEvent(qc, vmState('6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', 'running'));
    expect(invalidated).toContainEqual(vmKeys.list());
  });

  it('vm.config: a new or changed VM refetches; an undefined one leaves the list at once', () => {
    const { qc, invalidated } = client();
    const a = vm();
    qc.setQueryData(vmKeys.list(), [a]);
    applyEvent(qc, { type: 'vm.config', seq: 2, vmId: a.id, hostId: 'local', name: a.name, change: 'defined', at });
    expect(invalidated).toEqual([vmKeys.list(), vmKeys.detail(a.id)]);
    applyEvent(qc, { type: 'vm.config', seq: 3, vmId: a.id, hostId: 'local', name: a.name, change: 'undefined', at });
    expect(qc.getQueryData(vmKeys.list())).toEqual([]);
  });

  it('a VM list fetched before the VM was undefined cannot bring it back (CI: the list page refetched on arrival after a delete)', async () => {
    const qc = new QueryClient();
    const a = vm();
    let server: VmSummary[] = [a];
    let releaseFirst!: () => void;
    let calls = 0;
    const observer = new QueryObserver(qc, {
      queryKey: vmKeys.list(),
      queryFn: async ({ signal }) => {
        const answer = server;
        if (++calls === 1) await new Promise<void>((r) => { releaseFirst = r; signal.addEventListener('abort', () => r()); });
        return answer;
      },
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.waitFor(() => expect(calls).toBe(1));
    server = [];
    qc.setQueryData(vmKeys.list(), [a]);
    applyEvent(qc, { type: 'vm.config', seq: 3, vmId: a.id, hostId: 'local', name: a.name, change: 'undefined', at });
    releaseFirst();
    await vi.waitFor(() => expect(qc.isFetching()).toBe(0));
    expect(qc.getQueryData<VmSummary[]>(vmKeys.list())).toEqual([]);
    unsubscribe();
  });

  it('a migrating VM: events from the other host\'s copy leave the listed copy alone and refetch the list', () => {
    const { qc, invalidated } = client();
    const a = vm({ state: 'running', hostId: 'lab-b' });
    qc.setQueryData(vmKeys.list(), [a]);
    // A cancelled migration: the target's incoming copy stops; the VM runs on where it was.
    applyEvent(qc, { type: 'vm.state', seq: 20, vmId: a.id, hostId: 'lab-a', name: a.name, state: 'shutoff', reason: 'failed', at });
    expect(qc.getQueryData<VmSummary[]>(vmKeys.list())).toEqual([a]);
    expect(invalidated).toContainEqual(vmKeys.list());
    // A finished one: the source undefines its copy after the target has it.
    applyEvent(qc, { type: 'vm.config', seq: 21, vmId: a.id, hostId: 'lab-a', name: a.name, change: 'undefined', at });
    expect(qc.getQueryData<VmSummary[]>(vmKeys.list())).toEqual([a]);
    applyEvent(qc, { type: 'vm.config', seq: 22, vmId: a.id, hostId: 'lab-b', name: a.name, change: 'undefined', at });
    expect(qc.getQueryData<VmSummary[]>(vmKeys.list())).toEqual([]);
  });

  it('a VM that moved: the source copy\'s stop (reason migrated, and no undefined from libvirt) and the task\'s end refetch the list', () => {
    const { qc, invalidated } = client();
    const a = vm({ state: 'running', hostId: 'lab-a' });
    qc.setQueryData(vmKeys.list(), [a, { ...a, hostId: 'lab-b', state: 'paused' }]);
    applyEvent(qc, { type: 'vm.state', seq: 23, vmId: a.id, hostId: 'lab-a', name: a.name, state: 'shutoff', reason: 'migrated', at });
    expect(invalidated).toContainEqual(vmKeys.list());
    invalidated.length = 0;
    applyEvent(qc, { type: 'task', seq: 24, task: task({ type: 'vm.migrate', state: 'succeeded', target: { kind: 'vm', id: a.id } }), at });
    expect(invalidated).toContainEqual(vmKeys.list());
  });

  it('task events update the task panel\'s list in place, newest first', () => {
    const { qc } = client();
    const old = task({ state: 'succeeded' });
    qc.setQueryData(taskKeys.recent(), [old]);
    const t = task({ state: 'queued' });
    applyEvent(qc, { type: 'task', seq: 4, task: t, at });
    applyEvent(qc, { type: 'task', seq: 5, task: { ...t, state: 'running', progress: { percent: 40 } }, at });
    const tasks = qc.getQueryData<Task[]>(taskKeys.recent())!;
    expect(tasks.map((x) => [x.id, x.state])).toEqual([[t.id, 'running'], [old.id, 'succeeded']]);
  });

  it('a task list fetched before the task finished cannot undo the finish that the stream reported', async () => {
    const qc = new QueryClient();
    const running = task({ state: 'running' });
    const done = { ...running, state: 'succeeded' as const };
    let server: Task[] = [running];
    let releaseFirst!: () => void;
    let calls = 0;
    const observer = new QueryObserver(qc, {
      queryKey: taskKeys.recent(),
      queryFn: async ({ signal }) => {
        const answer = server; // read now, delivered later: the race under load
        if (++calls === 1) await new Promise<void>((r) => { releaseFirst = r; signal.addEventListener('abort', () => r()); });
        return answer;
      },
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.waitFor(() => expect(calls).toBe(1));
    server = [done];
    qc.setQueryData(taskKeys.recent(), [running]);
    applyEvent(qc, { type: 'task', seq: 10, task: done, at });
    releaseFirst();
    await vi.waitFor(() => expect(qc.isFetching()).toBe(0));
    expect(qc.getQueryData<Task[]>(taskKeys.recent())!.map((t) => t.state)).toEqual(['succeeded']);
    unsubscribe();
  });

  it('a finished VM task refreshes that VM; host.state patches the host and, once reconnected, resyncs its objects', () => {
    const { qc, invalidated } = client();
    const t = task({ state: 'succeeded', target: { kind: 'vm', id: '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b' } });
    applyEvent(qc, { type: 'task', seq: 6, task: t, at });
    expect(invalidated).toContainEqual(vmKeys.detail(t.target.id));
    qc.setQueryData(hostKeys.list(), [host({ state: 'connected' })]);
    applyEvent(qc, { type: 'host.state', seq: 7, hostId: 'local', state: 'disconnected', lastError: 'gone', at });
    expect(qc.getQueryData<Host[]>(hostKeys.list())![0]).toMatchObject({ state: 'disconnected', lastError: 'gone' });
    invalidated.length = 0;
    applyEvent(qc, { type: 'host.state', seq: 8, hostId: 'local', state: 'connected', lastError: null, at });
    expect(invalidated).toContainEqual(vmKeys.all);
  });

  it('a host removed from Ferry (by anyone) leaves the host list and takes its VMs along; an unknown host refetches the list', () => {
    const { qc, invalidated } = client();
    qc.setQueryData(hostKeys.list(), [host({ id: 'local' }), host({ id: 'lab-b', name: 'lab-b' })]);
    applyEvent(qc, { type: 'host.state', seq: 9, hostId: 'lab-b', state: 'disconnected', lastError: 'removed from Ferry', removed: true, at });
    expect(qc.getQueryData<Host[]>(hostKeys.list())!.map((h) => h.id)).toEqual(['local']);
    expect(invalidated).toContainEqual(vmKeys.all);
    invalidated.length = 0;
    applyEvent(qc, { type: 'host.state', seq: 10, hostId: 'lab-c', state: 'connecting', lastError: null, at });
    expect(invalidated).toEqual([hostKeys.list()]);
  });

  it('ignores an event type this build does not know, and an event for an empty cache changes nothing', () => {
    const { qc } = client();
    expect(() => applyEvent(qc, { type: 'vm.teleported', seq: 9 } as unknown as EventMessage)).not.toThrow();
    applyEvent(qc, vmState('6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', 'running'));
    expect(qc.getQueryData(vmKeys.list())).toBeUndefined();
  });

  it('a resync refetches what was fetched before the stream opened, never the session', async () => {
    const qc = new QueryClient();
    qc.setQueryData(vmKeys.list(), []);
    qc.setQueryData(['auth', 'me'], {});
    resyncCache(qc, Date.now() + 1);
    expect(qc.getQueryState(vmKeys.list())!.isInvalidated).toBe(true);
    expect(qc.getQueryState(['auth', 'me'])!.isInvalidated).toBe(false);
  });
});
