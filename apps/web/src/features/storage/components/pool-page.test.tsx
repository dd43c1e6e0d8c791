import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { Role, StorageVolume } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { pool } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { PoolPage } from './pool-page.tsx';

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

  it('creates an empty volume of a size in GiB, and rescans the pool', async () => {
    const f = setup('Administrator', []);
    fireEvent.click(await screen.findByRole('button', { name: 'New volume' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'data.qcow2' } });
    fireEvent.change(screen.getByLabelText('Size (GiB)'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create volume' }));
    await screen.findByText('a whole number of GiB, at least 1');
    fireEvent.change(screen.getByLabelText('Size (GiB)'), { target: { value: '200' } });
    expect(screen.getByText(/Larger than the pool's free space/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create volume' }));
    await screen.findByText('data.qcow2');
    expect(f.called('POST', '/api/v1/storage/pools/images/volumes')[0]!.body).toEqual({ name: 'data.qcow2', format: 'qcow2', sizeGiB: 200 });
    fireEvent.click(screen.getByRole('button', { name: 'Rescan' }));
    await waitFor(() => expect(f.called('POST', '/api/v1/storage/pools/images/refresh')).toHaveLength(1));
  });

  it('shows an operator the volumes without upload or delete, and an empty pool as such', async () => {
    setup('Operator', []);
    await screen.findByText('No volumes yet');
    await screen.findByText('Storage pool images');
    expect(screen.queryByRole('button', { name: 'Upload image' })).toBeNull();
  });
});
