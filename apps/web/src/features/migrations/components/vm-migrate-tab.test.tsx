import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { PreflightResult, Task, VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { host, me, task } from '../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../testing/render.tsx';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { VmMigrateTab } from './vm-migrate-tab.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const vm = { id: VM, name: 'web-1', state: 'running', hostId: 'local', template: false } as VmDetail;
const OK: PreflightResult = { ok: true, checks: [
  { id: 'target-connected', status: 'pass', reason: 'h2 is connected' },
  { id: 'cpu', status: 'warn', reason: 'the target CPU lacks avx512' },
] };
const FAILED: PreflightResult = { ok: false, checks: [{ id: 'memory', status: 'fail', reason: 'h2 has 512 MiB free, the VM needs 1024' }] };
const tasks = (items: Task[]) => ({ body: { items, total: items.length, limit: 50, offset: 0 } });

function setup(routes: Parameters<typeof mockFetch>[0], hosts = [host(), host({ id: 'h2', name: 'h2' })], caller = me('Operator')) {
  const f = mockFetch({ 'GET /api/v1/hosts': { body: { items: hosts } }, 'GET /api/v1/tasks': tasks([]), ...routes });
  return { f, ...renderWithClient(<VmMigrateTab vm={vm} />, testQueryClient(caller)) };
}

describe('the migrate tab', () => {
  it('says a second host is needed when there is only one', async () => {
    setup({}, [host()]);
    expect((await screen.findByTestId('migrate-one-host')).textContent).toMatch(/add a second host first/);
    expect(screen.queryByTestId('migrate-start')).toBeNull();
  });

  it('without vm.migrate on the VM, says so and disables the pre-flight and the migration', async () => {
    const { f } = setup({}, undefined, me('Auditor'));
    expect((await screen.findByTestId('migrate-forbidden')).textContent).toMatch(/vm\.migrate/);
    const preflight = screen.getByTestId('migrate-preflight') as HTMLButtonElement;
    expect(preflight.disabled).toBe(true);
    expect(preflight.title).toMatch(/vm\.migrate/);
    expect((screen.getByTestId('migrate-start') as HTMLButtonElement).disabled).toBe(true);
    expect(f.calls.filter((c) => c.path.includes('/migrate'))).toHaveLength(0);
  });

  it('runs the pre-flight for the chosen target and storage and shows each check with its reason', async () => {
    const { f } = setup({ [`GET /api/v1/vms/${VM}/migrate/preflight`]: { body: FAILED } });
    await screen.findByLabelText('Target host');
    fireEvent.click(screen.getByLabelText('Copy the disks along'));
    fireEvent.click(screen.getByTestId('migrate-preflight'));
    const check = await screen.findByTestId('preflight-check');
    expect(check.dataset.status).toBe('fail');
    expect(check.textContent).toBe('fail Memory: h2 has 512 MiB free, the VM needs 1024');
    expect(f.calls.find((c) => c.path.endsWith('/preflight'))!.url).toMatch(/targetHostId=h2&storage=copy/);
    expect((screen.getByTestId('migrate-start') as HTMLButtonElement).disabled).toBe(true);
  });

  it('starts the migration, shows progress that never goes back, and cancels', async () => {
    const t = task({ id: 'task0000000m', type: 'vm.migrate', state: 'running', cancellable: true, progress: { phase: 'memory', percent: 40 } });
    const { f, qc } = setup({
      [`GET /api/v1/vms/${VM}/migrate/preflight`]: { body: OK },
      [`POST /api/v1/vms/${VM}/migrate`]: { status: 202, body: { taskId: t.id } },
      'GET /api/v1/tasks': tasks([t]),
      [`DELETE /api/v1/tasks/${t.id}`]: { body: { ...t, cancellable: false } },
    });
    await screen.findByLabelText('Target host');
    fireEvent.change(screen.getByLabelText('Bandwidth limit (MiB/s)'), { target: { value: '100' } });
    fireEvent.click(screen.getByTestId('migrate-preflight'));
    expect((await screen.findAllByTestId('preflight-check')).map((c) => c.dataset.status)).toEqual(['pass', 'warn']);
    fireEvent.click(screen.getByTestId('migrate-start'));
    const bar = async () => (await screen.findByRole('progressbar', { name: 'Migrate web-1 progress' })).getAttribute('aria-valuenow');
    await waitFor(async () => expect(await bar()).toBe('40'));
    expect(f.called('POST', `/api/v1/vms/${VM}/migrate`)[0]!.body).toEqual({
      targetHostId: 'h2', storage: 'shared', live: true, autoConverge: false, postCopy: false, persistent: true, undefineSource: true, bandwidthMiBps: 100,
    });
    expect(screen.getByTestId('task-progress').textContent).toContain('memory');
    act(() => qc.setQueryData<Task[]>(taskKeys.recent(), [{ ...t, progress: { phase: 'storage', percent: 25 } }]));
    expect(await bar()).toBe('40');
    act(() => qc.setQueryData<Task[]>(taskKeys.recent(), [{ ...t, progress: { phase: 'memory', percent: 70 } }]));
    expect(await bar()).toBe('70');
    fireEvent.click(screen.getByTestId('task-cancel'));
    await waitFor(() => expect(f.called('DELETE', `/api/v1/tasks/${t.id}`)).toHaveLength(1));
  });

  it('shows the checks a refused migration carries', async () => {
    setup({
      [`GET /api/v1/vms/${VM}/migrate/preflight`]: { body: OK },
      [`POST /api/v1/vms/${VM}/migrate`]: { status: 409, body: { error: { code: 'PREFLIGHT_FAILED', message: 'migration pre-flight failed', details: { checks: FAILED.checks }, requestId: 'r' } } },
    });
    await screen.findByLabelText('Target host');
    fireEvent.click(screen.getByTestId('migrate-preflight'));
    await screen.findAllByTestId('preflight-check');
    fireEvent.click(screen.getByTestId('migrate-start'));
    expect((await screen.findByTestId('error-message')).dataset.code).toBe('PREFLIGHT_FAILED');
    await waitFor(() => expect(screen.getAllByTestId('preflight-check').some((c) => c.dataset.check === 'memory')).toBe(true));
  });

  it('once the VM has moved, offers the host it can go to now and asks for a new pre-flight; the finished task stays', async () => {
    const t = task({ id: 'task0000000n', type: 'vm.migrate', state: 'succeeded', progress: { phase: 'done', percent: 100 } });
    const { qc, rerender } = setup({
      [`GET /api/v1/vms/${VM}/migrate/preflight`]: { body: OK },
      [`POST /api/v1/vms/${VM}/migrate`]: { status: 202, body: { taskId: t.id } },
      'GET /api/v1/tasks': tasks([t]),
    });
    await screen.findByLabelText('Target host');
    fireEvent.click(screen.getByTestId('migrate-preflight'));
    await screen.findAllByTestId('preflight-check');
    fireEvent.click(screen.getByTestId('migrate-start'));
    await waitFor(() => expect(screen.getByTestId('task-progress').dataset.state).toBe('succeeded'));
    rerender(<QueryClientProvider client={qc}><VmMigrateTab vm={{ ...vm, hostId: 'h2' }} /></QueryClientProvider>);
    expect((screen.getByLabelText('Target host') as HTMLSelectElement).value).toBe('local');
    expect(screen.queryByTestId('preflight-result')).toBeNull();
    expect((screen.getByTestId('migrate-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('task-progress').dataset.state).toBe('succeeded');
  });
});
