import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Snapshot, VmDetail } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { task } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { VmSnapshotsTab } from './vm-snapshots-tab.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const BASE = `/api/v1/vms/${VM}/snapshots`;
const vm = (state: VmDetail['state'] = 'shutoff') => ({ id: VM, name: 'web-1', state, hostId: 'local', template: false }) as VmDetail;

const snap = (over: Partial<Snapshot>): Snapshot => ({
  name: 's', description: '', parent: null, children: [], depth: 0, current: false, createdAt: '2026-01-01T00:00:00.000Z',
  kind: 'disk', location: 'internal', memory: false, vmState: 'shutoff', consistency: 'offline', disks: [], sizeBytes: null,
  revert: { possible: true }, ...over,
});

const TREE = [
  snap({ name: 'base', children: ['upgrade'], description: '<img src=x onerror="alert(1)">' }),
  snap({ name: 'upgrade', parent: 'base', depth: 1, current: true }),
  snap({ name: 'broken', depth: 0, revert: { possible: false, reason: 'its overlay files are missing' } }),
];

function setup(extra: Parameters<typeof mockFetch>[0] = {}, state: VmDetail['state'] = 'shutoff') {
  const f = mockFetch({
    [`GET ${BASE}`]: { body: { items: TREE, current: 'upgrade' } },
    'GET /api/v1/tasks': { body: { items: [task({ id: 'task0000000a', type: 'vm.snapshot.create', state: 'running' })], total: 1, limit: 50, offset: 0 } },
    ...extra,
  });
  renderWithClient(<VmSnapshotsTab vm={vm(state)} />);
  return f;
}

describe('the snapshots tab', () => {
  it('shows the tree in order, indented, with the current marker, and guest text as text', async () => {
    setup();
    await screen.findByText('upgrade');
    const rows = screen.getAllByTestId('snapshot-row');
    expect(rows.map((r) => r.dataset.snapshot)).toEqual(['base', 'upgrade', 'broken']);
    expect(rows[1]!.getAttribute('aria-current')).toBe('true');
    expect(within(rows[1]!).getByTestId('snapshot-current').textContent).toBe('you are here');
    expect(screen.getByTestId('snapshot-current-name').textContent).toBe('Current: upgrade');
    expect(rows[0]!.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(document.querySelector('img')).toBeNull();
    const revertBroken = within(rows[2]!).getByTestId('snapshot-revert') as HTMLButtonElement;
    expect(revertBroken.disabled).toBe(true);
    expect(rows[2]!.textContent).toContain('its overlay files are missing');
  });

  it('takes a snapshot with the chosen name, description and kind, then follows its task', async () => {
    const f = setup({ [`POST ${BASE}`]: { status: 202, body: { taskId: 'task0000000a' } } });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByTestId('snapshot-create'));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'before-upgrade' } });
    fireEvent.change(screen.getByLabelText('Description (optional)'), { target: { value: 'known good' } });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'disk' } });
    fireEvent.click(screen.getByText('Take snapshot', { selector: '#snapshot-create-submit' }));
    await screen.findByTestId('task-progress');
    expect(f.called('POST', BASE)[0]!.body).toEqual({ name: 'before-upgrade', description: 'known good', kind: 'disk' });
    await waitFor(() => expect(screen.getByTestId('task-progress').dataset.state).toBe('running'));
    expect(screen.queryByTestId('snapshot-create-dialog')).toBeNull();
  });

  it('refuses a bad or taken name before asking the server', async () => {
    const f = setup();
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByTestId('snapshot-create'));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'upgrade' } });
    fireEvent.click(document.getElementById('snapshot-create-submit')!);
    expect((await screen.findByRole('alert')).textContent).toMatch(/already has a snapshot/);
    expect(f.called('POST', BASE)).toHaveLength(0);
  });

  it('shows the server\'s refusal by its code and message', async () => {
    setup({ [`POST ${BASE}`]: apiError(409, 'INVALID_STATE', 'internal snapshots need qcow2 disks: vda is raw') });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByTestId('snapshot-create'));
    fireEvent.click(document.getElementById('snapshot-create-submit')!);
    const err = await screen.findByTestId('error-message');
    expect(err.dataset.code).toBe('INVALID_STATE');
    expect(err.textContent).toContain('internal snapshots need qcow2 disks: vda is raw');
    expect(screen.getByTestId('snapshot-create-dialog')).toBeTruthy();
  });

  it('reverts after a confirmation, forcing it for a running VM', async () => {
    const f = setup({ [`POST ${BASE}/base/revert`]: { status: 202, body: { taskId: 'task0000000a' } } }, 'running');
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Revert to base'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('revert-running').textContent).toContain('running');
    expect(f.called('POST', `${BASE}/base/revert`)).toHaveLength(0);
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await screen.findByTestId('task-progress');
    expect(f.called('POST', `${BASE}/base/revert`)[0]!.body).toEqual({ force: true });
  });

  it('deletes after a confirmation, with its children when asked', async () => {
    const f = setup({ [`DELETE ${BASE}/base`]: { status: 202, body: { taskId: 'task0000000a' } } });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Delete base'));
    const dialog = await screen.findByTestId('confirm-dialog');
    fireEvent.click(within(dialog).getByLabelText(/Also delete the 1 snapshot below it \(upgrade\)/));
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await screen.findByTestId('task-progress');
    expect(f.called('DELETE', `${BASE}/base`)[0]!.url).toContain('children=true');
  });
});
