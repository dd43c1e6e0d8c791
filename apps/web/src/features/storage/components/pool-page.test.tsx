import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { Role, StorageVolume } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { pool } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { PoolPage } from './pool-page.tsx';

beforeEach(() => window.history.replaceState(null, '', '/storage/local/images'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const volume = (name: string): StorageVolume => ({
  hostId: 'local', pool: 'images', name, key: `/p/${name}`, path: `/p/${name}`, format: 'qcow2', capacityBytes: 1 << 30, allocationBytes: 1 << 20, backingStore: null,
});

function setup(role: Role, volumes: StorageVolume[]) {
  let items = volumes;
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/storage/pools': { body: { items: [pool({ name: 'images' })] } },
    'GET /api/v1/storage/pools/images/volumes': () => ({ body: { items } }),
    'POST /api/v1/storage/pools/images/volumes': (c) => {
      const b = c.body as { name: string };
      items = [...items, volume(b.name)];
      return { status: 201, body: items.at(-1) };
    },
    'POST /api/v1/storage/pools/images/refresh': { body: pool({ name: 'images' }) },
    'DELETE /api/v1/storage/pools/images/volumes/disk-a.qcow2': () => { items = items.filter((v) => v.name !== 'disk-a.qcow2'); return { status: 204 }; },
    'POST /api/v1/storage/pools/images/volumes/disk-a.qcow2/resize': (c) => {
      const { capacityBytes } = c.body as { capacityBytes: number };
      if (capacityBytes === 3 * 2 ** 30) return apiError(409, 'INVALID_STATE', 'volume disk-a.qcow2 is a disk of running VM web-1; resize it through the VM');
      items = items.map((v) => (v.name === 'disk-a.qcow2' ? { ...v, capacityBytes } : v));
      return { body: items[0] };
    },
    'DELETE /api/v1/storage/pools/images': (c) => (c.url.includes('force=true') ? { status: 204 }
      : apiError(409, 'NOT_EMPTY', 'pool images still holds 1 volume(s); delete them first, or pass force=true')),
  });
  renderWithClient(<PoolPage hostId="local" pool="images" />);
  return f;
}

describe('the pool page', () => {
  it('deletes a volume only after confirming, on the pool\'s host', async () => {
    const f = setup('Administrator', [volume('disk-a.qcow2'), volume('disk-b.qcow2')]);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete disk-a.qcow2' }));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('/p/disk-a.qcow2');
    expect(f.called('DELETE', '/api/v1/storage/pools/images/volumes/disk-a.qcow2')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete volume' }));
    await waitFor(() => expect(screen.queryByText('disk-a.qcow2')).toBeNull());
    expect(f.called('DELETE', '/api/v1/storage/pools/images/volumes/disk-a.qcow2')[0]!.url).toContain('hostId=local');
    expect(screen.getByText('disk-b.qcow2')).toBeTruthy();
  });

  it('creates an empty volume of a size with its unit, refusing more than the pool has free, and rescans the pool', async () => {
    const f = setup('Administrator', []);
    fireEvent.click(await screen.findByRole('button', { name: 'New volume' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'data.qcow2' } });
    fireEvent.change(screen.getByLabelText('Size'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create volume' }));
    await screen.findByText('must be larger than 0');
    fireEvent.change(screen.getByLabelText('Size'), { target: { value: '200' } });
    expect(screen.getByText("larger than the pool's free space (83.8 GiB)")).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Size'), { target: { value: '1.5 TB' } });
    expect(screen.getByText("larger than the pool's free space (83.8 GiB)")).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Size'), { target: { value: '512M' } });
    expect(screen.getByText(/= 512 MiB \(536,870,912 bytes\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create volume' }));
    await screen.findByText('data.qcow2');
    expect(f.called('POST', '/api/v1/storage/pools/images/volumes')[0]!.body).toEqual({ name: 'data.qcow2', format: 'qcow2', capacityBytes: 512 * 2 ** 20 });
    fireEvent.click(screen.getByRole('button', { name: 'Rescan' }));
    await waitFor(() => expect(f.called('POST', '/api/v1/storage/pools/images/refresh')).toHaveLength(1));
  });

  it('grows a volume: shows its size, refuses a smaller one (or no change, or more than is free) before asking', async () => {
    const f = setup('Administrator', [volume('disk-a.qcow2')]);
    fireEvent.click(await screen.findByRole('button', { name: 'Resize disk-a.qcow2' }));
    expect(screen.getByTestId('resize-current').textContent).toBe('1.0 GiB (1,073,741,824 bytes)');
    const size = screen.getByLabelText('New size') as HTMLInputElement;
    expect(size.value).toBe('1 GiB');
    const submit = screen.getByRole('button', { name: 'Resize' });
    fireEvent.click(submit);
    await screen.findByText('that is its size now: give a larger one');
    fireEvent.change(size, { target: { value: '512 MiB' } });
    expect(screen.getByText('smaller than the volume is now (1.0 GiB): volumes only grow, shrinking would destroy data')).toBeTruthy();
    fireEvent.change(size, { target: { value: '100G' } });
    expect(screen.getByText('grows it by 99.0 GiB, but the pool has 83.8 GiB free')).toBeTruthy();
    fireEvent.click(submit);
    expect(f.called('POST', '/api/v1/storage/pools/images/volumes/disk-a.qcow2/resize')).toHaveLength(0);
    fireEvent.change(size, { target: { value: '2.5 GiB' } });
    fireEvent.click(submit);
    await waitFor(() => expect(screen.queryByTestId('resize-volume-dialog')).toBeNull());
    const [call] = f.called('POST', '/api/v1/storage/pools/images/volumes/disk-a.qcow2/resize');
    expect(call!.body).toEqual({ capacityBytes: 2.5 * 2 ** 30 });
    expect(call!.url).toContain('hostId=local');
    await waitFor(() => expect(screen.getByTestId('volume-table').textContent).toContain('2.5 GiB'));
  });

  it("shows the server's refusal of a resize by its code, and keeps the dialog open", async () => {
    setup('Administrator', [volume('disk-a.qcow2')]);
    fireEvent.click(await screen.findByRole('button', { name: 'Resize disk-a.qcow2' }));
    fireEvent.change(screen.getByLabelText('New size'), { target: { value: '3 GiB' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize' }));
    const error = await screen.findByTestId('error-message');
    expect(error.dataset.code).toBe('INVALID_STATE');
    expect(error.textContent).toContain('is a disk of running VM web-1');
    expect(screen.getByTestId('resize-volume-dialog')).toBeTruthy();
  });

  it('removes the pool after asking; one holding volumes only once told to, then goes to the pool list', async () => {
    const f = setup('Administrator', [volume('disk-a.qcow2')]);
    await screen.findByText('disk-a.qcow2');
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('/var/lib/libvirt/images');
    expect(screen.getByLabelText(/Remove it although it holds 1 volume:/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove pool' }));
    expect((await screen.findByTestId('error-message')).dataset.code).toBe('NOT_EMPTY');
    expect(f.called('DELETE', '/api/v1/storage/pools/images')[0]!.url).not.toContain('force');
    fireEvent.click(screen.getByLabelText(/Remove it although it holds/));
    fireEvent.click(screen.getByRole('button', { name: 'Remove pool' }));
    await waitFor(() => expect(window.location.pathname).toBe('/storage/local'));
    expect(f.called('DELETE', '/api/v1/storage/pools/images')[1]!.url).toMatch(/hostId=local.*force=true|force=true.*hostId=local/);
  });

  it('shows an operator the volumes without upload, resize, delete or remove, and an empty pool as such', async () => {
    setup('Operator', []);
    await screen.findByText('No volumes yet');
    await screen.findByText('Storage pool images');
    expect(screen.queryByRole('button', { name: 'Upload image' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove' })).toBeNull();
  });

  it('offers an operator no resize on a listed volume, and no one a resize of an ISO', async () => {
    setup('Operator', [volume('disk-a.qcow2')]);
    await screen.findByText('disk-a.qcow2');
    expect(screen.queryByRole('button', { name: 'Resize disk-a.qcow2' })).toBeNull();
    cleanup();
    setup('Administrator', [{ ...volume('debian.iso'), format: 'iso' }, volume('disk-b.qcow2')]);
    await screen.findByRole('button', { name: 'Resize disk-b.qcow2' });
    expect(screen.queryByRole('button', { name: 'Resize debian.iso' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Delete debian.iso' })).toBeTruthy();
  });
});
