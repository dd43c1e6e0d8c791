import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { Task } from '@ferry/contract';
import { applyEvent } from '../../../app/live-updates.ts';
import { task } from '../../../testing/fixtures.ts';
import { vmTaskKeys } from './vm-task-keys.ts';

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const event = (t: Task) => ({ type: 'task' as const, seq: 1, task: t, at: '2026-01-01T00:00:01.000Z' });

describe("a VM's task list, kept by task events", () => {
  it('gains a new task of the VM on top and follows its changes', () => {
    const qc = new QueryClient();
    const old = task({ state: 'succeeded', target: { kind: 'vm', id: VM } });
    qc.setQueryData(vmTaskKeys.list(VM), [old]);
    const t = task({ state: 'running', target: { kind: 'vm', id: VM }, progress: { percent: 10 } });
    applyEvent(qc, event(t));
    expect(qc.getQueryData<Task[]>(vmTaskKeys.list(VM))!.map((x) => x.id)).toEqual([t.id, old.id]);
    applyEvent(qc, event({ ...t, progress: { percent: 60 } }));
    const list = qc.getQueryData<Task[]>(vmTaskKeys.list(VM))!;
    expect(list).toHaveLength(2);
    expect(list[0]!.progress).toEqual({ percent: 60 });
  });

  it('leaves other VMs\' lists and lists never fetched alone', () => {
    const qc = new QueryClient();
    qc.setQueryData(vmTaskKeys.list(VM), []);
    applyEvent(qc, event(task({ target: { kind: 'vm', id: '00000000-0000-4000-8000-00000000ffff' } })));
    expect(qc.getQueryData(vmTaskKeys.list(VM))).toEqual([]);
    expect(qc.getQueryData(vmTaskKeys.list('00000000-0000-4000-8000-00000000ffff'))).toBeUndefined();
  });
});
