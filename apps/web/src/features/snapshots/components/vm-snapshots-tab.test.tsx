import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Snapshot, VmDetail } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { me, task } from '../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../testing/render.tsx';
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

function setup(extra: Parameters<typeof mockFetch>[0] = {}, state: VmDetail['state'] = 'shutoff', caller = me('Administrator')) {
  const f = mockFetch({
    [`GET ${BASE}`]: { body: { items: TREE, current: 'upgrade' } },
    'GET /api/v1/tasks': { body: { items: [task({ id: 'task0000000a', type: 'vm.snapshot.create', state: 'running' })], total: 1, limit: 50, offset: 0 } },
    ...extra,
  });
  renderWithClient(<VmSnapshotsTab vm={vm(state)} />, testQueryClient(caller));
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

  it('changes a description in a small dialog, then follows its task', async () => {
    const f = setup({ [`PATCH ${BASE}/upgrade`]: { status: 202, body: { taskId: 'task0000000a' } } });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Edit the description of upgrade'));
    const dialog = await screen.findByTestId('snapshot-edit-dialog');
    const save = within(dialog).getByText('Save description') as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    fireEvent.change(within(dialog).getByLabelText('Description'), { target: { value: 'kernel 6.1, before the upgrade' } });
    fireEvent.click(save);
    await screen.findByTestId('task-progress');
    expect(f.called('PATCH', `${BASE}/upgrade`)[0]!.body).toEqual({ description: 'kernel 6.1, before the upgrade' });
    expect(screen.getByTestId('task-progress').textContent).toContain('Describe upgrade');
    expect(screen.queryByTestId('snapshot-edit-dialog')).toBeNull();
  });

  it("refuses markup in a description before asking, and shows the server's refusal by code", async () => {
    const f = setup({ [`PATCH ${BASE}/base`]: apiError(404, 'NOT_FOUND', 'Domain snapshot not found: no domain snapshot with matching name \'base\'') });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Edit the description of base'));
    const dialog = await screen.findByTestId('snapshot-edit-dialog');
    const field = within(dialog).getByLabelText('Description') as HTMLTextAreaElement;
    expect(field.value).toBe('<img src=x onerror="alert(1)">'); // the current text, as text
    expect(within(dialog).getByRole('alert').textContent).toMatch(/no < or >/);
    expect((within(dialog).getByText('Save description') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(field, { target: { value: 'plain again' } });
    fireEvent.click(within(dialog).getByText('Save description'));
    const err = await within(dialog).findByTestId('error-message');
    expect(err.dataset.code).toBe('NOT_FOUND');
    expect(err.textContent).toContain('no domain snapshot with matching name');
    expect(f.called('PATCH', `${BASE}/base`)).toHaveLength(1);
  });

  it('lets an Administrator delete only the metadata, keeping the data, and says where the data stays', async () => {
    const f = setup({ [`DELETE ${BASE}/broken`]: { status: 202, body: { taskId: 'task0000000a' } } });
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Delete broken'));
    const dialog = await screen.findByTestId('confirm-dialog');
    const keep = within(dialog).getByLabelText('Remove from Ferry and libvirt only, keep the data') as HTMLInputElement;
    expect(keep.disabled).toBe(false);
    expect(within(dialog).getByTestId('snapshot-keep-data').textContent).toMatch(/stays inside the qcow2 disk files/);
    fireEvent.click(keep);
    expect(within(dialog).getByTestId('confirm-button').textContent).toBe('Forget, keep data');
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await screen.findByTestId('task-progress');
    const url = new URL(f.called('DELETE', `${BASE}/broken`)[0]!.url, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ children: 'false', metadataOnly: 'true' });
    expect(screen.getByTestId('task-progress').textContent).toContain('Forget broken (data kept)');
  });

  it('shows an Operator the keep-data choice disabled with the reason, and a refusal by its code', async () => {
    const f = setup({ [`DELETE ${BASE}/upgrade`]: apiError(409, 'INVALID_STATE', 'on a shut-off VM libvirt can merge only the newest external snapshot') }, 'shutoff', me('Operator'));
    await screen.findByText('upgrade');
    fireEvent.click(screen.getByLabelText('Delete upgrade'));
    const dialog = await screen.findByTestId('confirm-dialog');
    const keep = within(dialog).getByLabelText('Remove from Ferry and libvirt only, keep the data') as HTMLInputElement;
    expect(keep.disabled).toBe(true);
    expect(within(dialog).getByTestId('snapshot-keep-data').textContent).toMatch(/Only an Administrator \(vm\.config and vm\.delete/);
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    const err = await within(dialog).findByTestId('error-message');
    expect(err.dataset.code).toBe('INVALID_STATE');
    expect(f.called('DELETE', `${BASE}/upgrade`)[0]!.url).not.toContain('metadataOnly');
  });

  it('without vm.snapshot, shows every change disabled with the reason', async () => {
    setup({}, 'shutoff', me('Auditor'));
    await screen.findByText('upgrade');
    expect(screen.getByTestId('snapshots-readonly').textContent).toContain('vm.snapshot');
    const controls = [screen.getByTestId('snapshot-create'), ...screen.getAllByTestId('snapshot-edit'),
      ...screen.getAllByTestId('snapshot-revert'), ...screen.getAllByTestId('snapshot-delete')] as HTMLButtonElement[];
    expect(controls).toHaveLength(10);
    for (const c of controls) {
      expect(c.disabled).toBe(true);
      expect(c.title).toMatch(/vm\.snapshot privilege on this VM/);
    }
  });
});
