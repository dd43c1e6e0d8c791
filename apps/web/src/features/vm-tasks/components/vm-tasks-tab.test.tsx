import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import type { VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { task } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { VmTasksTab } from './vm-tasks-tab.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const vm = { id: VM, name: 'web-1', state: 'shutoff', hostId: 'local', template: false } as VmDetail;

describe('the VM tasks tab', () => {
  it('asks the server for this VM\'s tasks only, and opens a task\'s log', async () => {
    const failed = task({ id: 'task0000000f', type: 'vm.start', state: 'failed', target: { kind: 'vm', id: VM }, error: { code: 'INVALID_STATE', message: 'the VM is a template' } });
    const done = task({ id: 'task0000000d', type: 'vm.snapshot.revert', state: 'succeeded', target: { kind: 'vm', id: VM } });
    const f = mockFetch({
      'GET /api/v1/tasks': { body: { items: [failed, done], total: 2, limit: 100, offset: 0 } },
      [`GET /api/v1/tasks/${failed.id}/log`]: { body: { items: [{ seq: 1, at: '2026-01-01T00:00:00.000Z', level: 'error', message: 'refused: template' }] } },
    });
    renderWithClient(<VmTasksTab vm={vm} />);
    const rows = await screen.findAllByTestId('vm-task-row');
    expect(f.calls[0]!.url).toContain(`targetId=${VM}`);
    expect(rows.map((r) => r.dataset.taskType)).toEqual(['vm.start', 'vm.snapshot.revert']);
    expect(rows[1]!.textContent).toContain('Revert snapshot');
    expect(rows[0]!.textContent).toContain('INVALID_STATE the VM is a template');
    fireEvent.click(within(rows[0]!).getByTestId('vm-task-log'));
    const dialog = await screen.findByTestId('task-log');
    expect(await within(dialog).findByText(/refused: template/)).toBeTruthy();
  });

  it('says so when the VM has no tasks', async () => {
    mockFetch({ 'GET /api/v1/tasks': { body: { items: [], total: 0, limit: 100, offset: 0 } } });
    renderWithClient(<VmTasksTab vm={vm} />);
    expect(await screen.findByText('No tasks for this VM yet.')).toBeTruthy();
  });
});
