import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../../testing/fetch-mock.ts';
import { task } from '../../../../testing/fixtures.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';

const ID = '00000000-0000-4000-8000-00000000d0de';
type Disk = VmDetail['disks'][number];
const disk = (over: Partial<Disk>): Disk => ({
  target: 'vda', device: 'disk', bus: 'virtio', format: 'qcow2', source: {}, cache: null, discard: null, readonly: false, bootOrder: null, capacityBytes: null, ...over,
});
const vm = (disks: Disk[]) => ({ id: ID, name: 'clone-1', disks }) as unknown as VmDetail;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the delete dialog', () => {
  it('offers to delete disks named by file path too (a clone\'s copies), never a read-only ISO', async () => {
    const f = mockFetch({ [`DELETE /api/v1/vms/${ID}`]: { status: 202, body: task({ type: 'vm.delete' }) } });
    renderWithClient(<DeleteVmDialog onClose={() => undefined} vm={vm([
      disk({ source: { file: '/var/lib/ferry/pool/clone-1.qcow2' } }),
      disk({ target: 'vdb', source: { pool: 'default', volume: 'data.qcow2' } }),
      disk({ target: 'sda', device: 'cdrom', readonly: true, source: { file: '/iso/debian.iso' } }),
    ])} />);
    const box = screen.getByLabelText(/Also delete its disk volumes/) as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(box.parentElement!.textContent).toContain('/var/lib/ferry/pool/clone-1.qcow2, default/data.qcow2');
    expect(box.parentElement!.textContent).not.toContain('debian.iso');
    fireEvent.click(screen.getByRole('button', { name: 'Delete clone-1' }));
    await waitFor(() => expect(f.called('DELETE', `/api/v1/vms/${ID}`)).toHaveLength(1));
    expect(f.called('DELETE', `/api/v1/vms/${ID}`)[0]!.url).toContain('volumes=true');
  });

  it('has no volume choice for a VM without disks', () => {
    mockFetch({});
    renderWithClient(<DeleteVmDialog onClose={() => undefined} vm={vm([])} />);
    expect(screen.queryByLabelText(/Also delete its disk volumes/)).toBeNull();
  });
});
