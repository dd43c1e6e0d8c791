import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Task, VmDetail } from '@ferry/contract';
import { apiError, mockFetch, type RecordedCall } from '../../../../testing/fetch-mock.ts';
import { me, network, pool, task } from '../../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../../testing/render.tsx';
import { useVm } from '../../api/get-vm.ts';
import { vmKeys } from '../../api/vm-keys.ts';
import { VmHardwareTab } from '../vm-detail/vm-hardware-tab.tsx';

const ID = '00000000-0000-4000-8000-00000000c0de';
const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);
const MAC = '52:54:00:aa:bb:cc';

const detail = (over: Partial<VmDetail> = {}): VmDetail => ({
  id: ID, name: 'web-1', hostId: 'local', state: 'shutoff', reason: 'shutdown', vcpus: 2, memoryMiB: 1024, uptimeS: null, ips: [], tags: [],
  template: false, stale: false, description: '', autostart: false, persistent: true, digest: D1, domainType: 'qemu', arch: 'x86_64',
  machine: 'pc-q35-7.2', firmware: { kind: 'bios', secureBoot: false },
  cpu: { mode: 'host-model', model: null, sockets: 1, cores: 2, threads: 1 }, vcpu: { max: 2, current: 2 },
  memory: { maxMiB: 1024, currentMiB: 1024, balloon: true }, bootOrder: ['vda'],
  disks: [{ target: 'vda', device: 'disk', bus: 'virtio', format: 'qcow2', source: { pool: 'default', volume: 'web-1.qcow2', file: '/p/web-1.qcow2' }, cache: null, discard: null, readonly: false, bootOrder: 1, capacityBytes: 10 * 1024 ** 3 }],
  nics: [{ mac: MAC, type: 'network', network: 'default', bridge: null, model: 'virtio', link: 'up', bootOrder: null, ips: ['<script>x</script>'] }],
  graphics: [], serial: true, guestAgent: false, pendingChanges: [], ...over,
});

const done = (result: unknown, over: Partial<Task> = {}) => ({ body: task({ type: 'vm.edit', state: 'succeeded', result, finishedAt: '2026-01-01T00:00:01.000Z', ...over }) });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The tab as the VM page shows it: fed by the detail query, so a refetch refills it. */
function Tab() {
  const vm = useVm(ID);
  return vm.data ? <VmHardwareTab vm={vm.data} /> : null;
}

function setup(routes: Parameters<typeof mockFetch>[0], vm = detail(), caller = me('Administrator')) {
  let current = vm;
  const f = mockFetch({
    [`GET /api/v1/vms/${ID}`]: () => ({ body: current }),
    'GET /api/v1/tasks/task0001': done({ applied: ['memory 2048 MiB'], pending: [] }),
    'GET /api/v1/storage/pools': { body: { items: [pool()] } },
    'GET /api/v1/storage/pools/default/volumes': { body: { items: [] } },
    'GET /api/v1/networks': { body: { items: [network(), network({ name: 'lab' })] } },
    ...routes,
  });
  const qc = testQueryClient(caller);
  qc.setQueryData(vmKeys.detail(ID), vm);
  renderWithClient(<Tab />, qc);
  return { f, setVm: (v: VmDetail) => { current = v; }, patches: () => f.called('PATCH', `/api/v1/vms/${ID}`) };
}

const patch202 = { status: 202, body: { taskId: 'task0001' } };
const dialog = () => screen.getByRole('dialog');
/** Opens an editor (its code loads lazily on the first click). */
const open = async (name: string) => {
  fireEvent.click(screen.getByRole('button', { name }));
  return screen.findByRole('dialog');
};

describe('the hardware editors', () => {
  it('changes memory with the digest it was opened with, and says what applied', async () => {
    const { patches, f } = setup({ [`PATCH /api/v1/vms/${ID}`]: patch202 });
    await open('Edit memory');
    fireEvent.change(within(dialog()).getByLabelText('Memory (MiB)'), { target: { value: '2048' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(screen.getByTestId('edit-result').textContent).toContain('Applied now: memory 2048 MiB'));
    expect(patches()[0]!.body).toEqual({ digest: D1, memoryMiB: 2048 });
    expect(f.calls.some((c: RecordedCall) => c.url.includes('/tasks/task0001?wait='))).toBe(true);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a stale digest as "changed elsewhere" and reloads the form with the VM as it is now', async () => {
    let n = 0;
    const { patches, setVm } = setup({
      [`PATCH /api/v1/vms/${ID}`]: () => (++n === 1 ? apiError(409, 'STALE_DIGEST', 'the VM changed since you read it') : patch202),
    });
    setVm(detail({ digest: D2, memory: { maxMiB: 1536, currentMiB: 1536, balloon: true } }));
    await open('Edit memory');
    fireEvent.change(within(dialog()).getByLabelText('Memory (MiB)'), { target: { value: '2048' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const stale = await screen.findByTestId('edit-stale');
    expect(stale.textContent).toContain('changed elsewhere');
    expect((screen.getByTestId('edit-submit') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(stale).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect((within(dialog()).getByLabelText('Memory (MiB)') as HTMLInputElement).value).toBe('1536'));
    expect(screen.queryByTestId('edit-stale')).toBeNull();
    fireEvent.change(within(dialog()).getByLabelText('Memory (MiB)'), { target: { value: '2048' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByTestId('edit-result');
    expect(patches().map((c) => (c.body as { digest: string }).digest)).toEqual([D1, D2]);
  });

  it('refuses a topology that does not add up, and an out-of-range value, before sending anything', async () => {
    const { patches } = setup({ [`PATCH /api/v1/vms/${ID}`]: patch202 });
    await open('Edit processors');
    fireEvent.change(within(dialog()).getByLabelText('vCPUs'), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect((await screen.findByRole('alert')).textContent).toContain('it must equal the 4 vCPUs');
    fireEvent.change(within(dialog()).getByLabelText('Cores per socket'), { target: { value: '4' } });
    fireEvent.change(within(dialog()).getByLabelText('Sockets'), { target: { value: '1' } });
    fireEvent.change(within(dialog()).getByLabelText('Threads per core'), { target: { value: '9' } });
    fireEvent.change(within(dialog()).getByLabelText('vCPUs'), { target: { value: '36' } });
    fireEvent.change(within(dialog()).getByLabelText('Cores per socket'), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(within(dialog()).getByLabelText('Threads per core').getAttribute('aria-invalid')).toBe('true'));
    expect(patches()).toHaveLength(0);
    fireEvent.change(within(dialog()).getByLabelText('Threads per core'), { target: { value: '2' } });
    fireEvent.change(within(dialog()).getByLabelText('vCPUs'), { target: { value: '8' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(patches()).toHaveLength(1));
    expect(patches()[0]!.body).toEqual({ digest: D1, vcpus: 8, cpu: { sockets: 1, cores: 4, threads: 2 } });
  });

  it('shows a failed edit task by its code and message', async () => {
    setup({
      [`PATCH /api/v1/vms/${ID}`]: patch202,
      'GET /api/v1/tasks/task0001': { body: task({ type: 'vm.edit', state: 'failed', error: { code: 'INVALID_STATE', message: 'disk vda is 10 GiB; shrinking it would destroy data' } }) },
    });
    await open('Resize disk vda');
    fireEvent.change(within(dialog()).getByLabelText('New size (GiB)'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize' }));
    expect((await screen.findByRole('alert')).textContent).toContain('shrinking would destroy data');
    fireEvent.change(within(dialog()).getByLabelText('New size (GiB)'), { target: { value: '20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resize' }));
    const err = await screen.findByTestId('error-message');
    expect(err.getAttribute('data-code')).toBe('INVALID_STATE');
    expect(err.textContent).toContain('disk vda is 10 GiB');
  });

  it('adds a new volume, adds a NIC, changes a NIC and sets the boot order', async () => {
    const { patches } = setup({ [`PATCH /api/v1/vms/${ID}`]: patch202 });
    await open('Add disk');
    await waitFor(() => expect((within(dialog()).getByLabelText('Storage pool') as HTMLSelectElement).value).toBe('default'));
    fireEvent.change(within(dialog()).getByLabelText('Size (GiB)'), { target: { value: '4' } });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Add disk' }));
    await waitFor(() => expect(patches()).toHaveLength(1));
    expect(patches()[0]!.body).toEqual({ digest: D1, disks: { add: [{ pool: 'default', sizeGiB: 4, format: 'qcow2' }] } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await open('Add network card');
    await waitFor(() => expect((within(dialog()).getByLabelText('Network') as HTMLSelectElement).value).toBe('default'));
    fireEvent.change(within(dialog()).getByLabelText('Network'), { target: { value: 'lab' } });
    fireEvent.change(within(dialog()).getByLabelText('Model'), { target: { value: 'e1000' } });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Add network card' }));
    await waitFor(() => expect(patches()).toHaveLength(2));
    expect(patches()[1]!.body).toEqual({ digest: D1, nics: { add: [{ network: 'lab', model: 'e1000', link: 'up' }] } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await open(`Edit network card ${MAC}`);
    fireEvent.change(within(dialog()).getByLabelText('Link'), { target: { value: 'down' } });
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(patches()).toHaveLength(3));
    expect(patches()[2]!.body).toEqual({ digest: D1, nics: { update: [{ mac: MAC, link: 'down' }] } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await open('Edit boot order');
    fireEvent.click(within(dialog()).getByLabelText(`Network card ${MAC}`));
    fireEvent.click(within(dialog()).getByRole('button', { name: `Move Network card ${MAC} up` }));
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(patches()).toHaveLength(4));
    expect(patches()[3]!.body).toEqual({ digest: D1, bootOrder: [MAC, 'vda'] });
  });

  it('marks pending lines and renders guest-reported text as text', () => {
    setup({}, detail({ state: 'running', pendingChanges: ['memory: 1024 → 2048 MiB'] }));
    expect(screen.getByTestId('pending-changes').textContent).toContain('memory: 1024 → 2048 MiB');
    expect(screen.getByTestId('hw-memory').querySelector('[data-testid=pending-chip]')).not.toBeNull();
    expect(screen.getByTestId('hw-cpu').querySelector('[data-testid=pending-chip]')).toBeNull();
    const nic = screen.getByTestId('hw-nic');
    expect(nic.textContent).toContain('<script>x</script>');
    expect(nic.querySelector('script')).toBeNull();
  });

  it('without vm.config on the VM, shows every editor disabled with the reason, and no dialog opens', () => {
    const { f } = setup({}, detail(), me('Operator'));
    expect(screen.getByTestId('hw-readonly').textContent).toContain('vm.config');
    const buttons = [...screen.getByTestId('vm-hardware').querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Edit', 'Edit', 'Edit', 'Resize', 'Detach', 'Edit', 'Remove', 'Add disk', 'Add network card']);
    for (const b of buttons) {
      expect(b.disabled, b.textContent!).toBe(true);
      expect(b.title).toMatch(/vm\.config privilege on this VM/);
    }
    fireEvent.click(screen.getByRole('button', { name: 'Edit memory' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(f.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('lets an Auditor on / edit a VM on which they also hold Administrator', () => {
    setup({}, detail(), me('Auditor', [{ path: `/vms/${ID}`, role: 'Administrator' }]));
    expect(screen.queryByTestId('hw-readonly')).toBeNull();
    expect((screen.getByRole('button', { name: 'Edit memory' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
