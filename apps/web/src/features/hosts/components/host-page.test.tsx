import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { host } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { hostKeys } from '../api/host-keys.ts';
import { HostPage } from './host-page.tsx';
import { HostFormDialog } from './host-form-dialog.tsx';

beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('adding and editing hosts', () => {
  it('checks the URI, adds the host and opens its page', async () => {
    const f = mockFetch({ 'POST /api/v1/hosts': (c) => ({ status: 201, body: host({ id: 'lab-2', ...(c.body as object) }) }) });
    const onClose = vi.fn();
    renderWithClient(<HostFormDialog onClose={onClose} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Lab 2' } });
    fireEvent.change(screen.getByLabelText('libvirt URI'), { target: { value: 'http://lab2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
    await screen.findByText(/must be a libvirt URI/);
    expect(f.called('POST', '/api/v1/hosts')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('libvirt URI'), { target: { value: 'qemu+ssh://root@lab2/system' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(f.called('POST', '/api/v1/hosts')[0]!.body).toEqual({ name: 'Lab 2', uri: 'qemu+ssh://root@lab2/system' });
    expect(window.location.pathname).toBe('/hosts/lab-2');
  });

  it('shows a refused host by its code', async () => {
    mockFetch({ 'POST /api/v1/hosts': apiError(409, 'CONFLICT', 'a host with the id lab-2 exists') });
    renderWithClient(<HostFormDialog onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Lab 2' } });
    fireEvent.change(screen.getByLabelText('libvirt URI'), { target: { value: 'test:///default' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
    expect((await screen.findByTestId('error-message')).dataset.code).toBe('CONFLICT');
  });
});

describe('the host page', () => {
  function setup(role: 'Administrator' | 'Auditor') {
    const f = mockFetch({
      'GET /api/v1/auth/me': { body: meWith(role) },
      'GET /api/v1/hosts': { body: { items: [host({ name: 'Local box' })] } },
      'GET /api/v1/vms': { body: { items: [] } },
      'GET /api/v1/storage/pools': { body: { items: [] } },
      'GET /api/v1/hosts/local/metrics': { body: { hostId: 'local', range: 'hour', stepS: 10, from: '', to: '', points: [
        { at: '', samples: 1, partial: true, cpuPct: { avg: 12, max: 20 }, memUsedMiB: { avg: 2048, max: 2048 }, memTotalMiB: { avg: 8192, max: 8192 } },
      ] } },
      'GET /api/v1/hosts/local/readiness': { body: { acceleration: 'tcg', checks: [
        { id: 'kvm', status: 'fail', message: '/dev/kvm is missing', fix: 'modprobe kvm_intel' },
        { id: 'libvirt', status: 'pass', message: 'libvirt 9.0' },
      ] } },
      'PATCH /api/v1/hosts/local': (c) => ({ body: host(c.body as object) }),
      'DELETE /api/v1/hosts/local': { status: 204 },
    });
    window.history.replaceState(null, '', '/hosts/local');
    const { qc } = renderWithClient(<HostPage hostId="local" />);
    return Object.assign(f, { qc });
  }

  it('shows capacity and each failing check with its exact fix', async () => {
    setup('Administrator');
    await screen.findByText('Local box');
    expect((await screen.findByTestId('capacity-memory')).textContent).toContain('2.0 GiB of 8.0 GiB used');
    expect(screen.getByTestId('capacity-cpu').textContent).toContain('12% busy');
    expect((await screen.findByLabelText('Fix for kvm')).textContent).toBe('modprobe kvm_intel');
    expect(screen.getByText('1 of 2 checks need attention.')).toBeTruthy();
  });

  it('edits and removes the host for an administrator, after confirming', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    fireEvent.change(screen.getByLabelText('Migration URI (optional)'), { target: { value: 'qemu+tcp://10.0.0.2/system' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(f.called('PATCH', '/api/v1/hosts/local')[0]!.body).toEqual({ name: 'Local box', uri: 'qemu:///system', migrationUri: 'qemu+tcp://10.0.0.2/system' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(f.called('DELETE', '/api/v1/hosts/local')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Remove host' }));
    await waitFor(() => expect(window.location.pathname).toBe('/'));
  });

  it('leaves the page of a removed host even when its removal event arrives before the answer', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'Remove' }));
    const answer = f.fn.getMockImplementation()!;
    vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
      if (init.method === 'DELETE') {
        // The host.state {removed} event empties the list first: the page, and its Remove dialog, go.
        f.qc.setQueryData(hostKeys.list(), []);
        await screen.findByText('No host local.');
      }
      return answer(input, init);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Remove host' }));
    await waitFor(() => expect(window.location.pathname).toBe('/'));
  });

  it('offers an auditor no edit or remove', async () => {
    setup('Auditor');
    await screen.findByTestId('host-readiness');
    await screen.findByTestId('capacity-cpu');
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
  });
});
