import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Role, StoragePool } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { host, pool } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { PoolsPage } from './pools-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(role: Role, initial: StoragePool[] = [pool({ name: 'default' })]) {
  let pools = initial;
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/hosts': { body: { items: [host({ id: 'local', name: 'alpha' })] } },
    'GET /api/v1/storage/pools': () => ({ body: { items: pools } }),
    'POST /api/v1/storage/pools': (c) => {
      const b = c.body as { name: string; path: string; autostart: boolean };
      if (b.name === 'taken-on-server') return apiError(409, 'CONFLICT', 'a pool named taken-on-server exists');
      const created = pool({ name: b.name, path: b.path, autostart: b.autostart });
      pools = [...pools, created];
      return { status: 201, body: created };
    },
  });
  renderWithClient(<PoolsPage hostId="local" />);
  return f;
}

const open = async () => {
  fireEvent.click(await screen.findByRole('button', { name: 'New pool' }));
  return screen.getByTestId('create-pool-dialog');
};

describe('the storage pools page', () => {
  it("lists the host's pools under its name, each linking to its page", async () => {
    setup('Auditor');
    const row = await screen.findByRole('row', { name: /default/ });
    expect(within(row).getByRole('link', { name: 'default' }).getAttribute('href')).toBe('/storage/local/default');
    expect(row.textContent).toContain('/var/lib/libvirt/images');
    await screen.findByText('Storage on alpha');
    expect(screen.queryByRole('button', { name: 'New pool' })).toBeNull();
  });

  it('creates a directory pool whose directory follows the name, and lists it without a reload', async () => {
    const f = setup('Administrator');
    await open();
    const path = screen.getByLabelText('Directory') as HTMLInputElement;
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'fast-ssd' } });
    expect(path.value).toBe('/var/lib/libvirt/pools/fast-ssd');
    fireEvent.click(screen.getByLabelText('Start with the host'));
    fireEvent.click(screen.getByRole('button', { name: 'Create pool' }));
    await screen.findByRole('link', { name: 'fast-ssd' });
    expect(screen.queryByTestId('create-pool-dialog')).toBeNull();
    const [call] = f.called('POST', '/api/v1/storage/pools');
    expect(call!.body).toEqual({ name: 'fast-ssd', type: 'dir', path: '/var/lib/libvirt/pools/fast-ssd', autostart: false });
    expect(call!.url).toContain('hostId=local');
  });

  it("says what is wrong with the name and the directory, by the contract's rules and the pools it knows", async () => {
    const f = setup('Administrator');
    await open();
    fireEvent.click(screen.getByRole('button', { name: 'Create pool' }));
    // An empty name: one message, not a second one about the directory that follows it.
    await screen.findByText('letters, digits, dots, dashes and underscores, starting with a letter or digit (max 64)');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'a..b' } });
    expect(screen.getByText('must not contain ..')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'default' } });
    expect(screen.getByText('a pool named default exists')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'new' } });
    const path = screen.getByLabelText('Directory');
    for (const [value, message] of [
      ['relative/dir', 'an absolute path of letters, digits and . _ + - /'],
      ['/srv/pools/', 'must be normalized: no trailing slash, no empty, . or .. segments'],
      ['/etc/pools', 'must not be a system directory'],
      ['/var/lib/libvirt/images', 'pool default already uses this directory'],
    ]) {
      fireEvent.change(path, { target: { value } });
      expect(screen.getByText(message!), value).toBeTruthy();
      expect(path.getAttribute('aria-invalid')).toBe('true');
    }
    fireEvent.click(screen.getByRole('button', { name: 'Create pool' }));
    expect(f.called('POST', '/api/v1/storage/pools')).toHaveLength(0);
    // Allowed, with a warning: inside another pool's directory.
    fireEvent.change(path, { target: { value: '/var/lib/libvirt/images/new' } });
    expect(screen.getByTestId('pool-nested-warning').textContent).toContain('Inside the directory of pool default: that pool will list this directory as one of its volumes');
    expect(path.getAttribute('aria-invalid')).toBeNull();
  });

  it("shows the server's refusal by its code and keeps the form", async () => {
    setup('Administrator', []);
    await screen.findByText('No storage pools');
    await open();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'taken-on-server' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create pool' }));
    const error = await screen.findByTestId('error-message');
    expect(error.dataset.code).toBe('CONFLICT');
    expect(error.textContent).toContain('a pool named taken-on-server exists');
    await waitFor(() => expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('taken-on-server'));
  });
});
