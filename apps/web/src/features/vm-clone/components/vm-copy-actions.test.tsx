import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { VmDetail } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { me, pool, task } from '../../../testing/fixtures.ts';
import { renderWithClient as renderWith, testQueryClient } from '../../../testing/render.tsx';
import { VmCopyActions } from './vm-copy-actions.tsx';

/** As an Administrator on / unless told otherwise. */
const renderWithClient = (ui: React.ReactElement, caller = me('Administrator')) => renderWith(ui, testQueryClient(caller));
const POOLS = { body: { items: [pool({ name: 'default' }), pool({ name: 'fast', availableBytes: 50 * 2 ** 30 }), pool({ name: 'archive', active: false })] } };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const NEW = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5c';
const vm = (over: Partial<VmDetail> = {}) => ({ id: VM, name: 'web-1', state: 'shutoff', hostId: 'local', template: false, ...over }) as VmDetail;

describe('clone and convert to template', () => {
  it('need a stopped VM', () => {
    mockFetch({});
    renderWithClient(<VmCopyActions vm={vm({ state: 'running' })} />);
    expect((screen.getByTestId('vm-clone') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('vm-template') as HTMLButtonElement).disabled).toBe(true);
  });

  it('without vm.create (clone) or vm.config (template) on the VM, disables each with the reason', () => {
    mockFetch({});
    renderWithClient(<VmCopyActions vm={vm()} />, me('Operator'));
    const clone = screen.getByTestId('vm-clone') as HTMLButtonElement;
    const template = screen.getByTestId('vm-template') as HTMLButtonElement;
    expect([clone.disabled, template.disabled]).toEqual([true, true]);
    expect(clone.title).toMatch(/vm\.create privilege on this VM/);
    expect(template.title).toMatch(/vm\.config privilege on this VM/);
    cleanup();
    // A grant on the VM's host counts (an Administrator there).
    renderWithClient(<VmCopyActions vm={vm()} />, me('Auditor', [{ path: '/hosts/local', role: 'Administrator' }]));
    expect((screen.getByTestId('vm-clone') as HTMLButtonElement).disabled).toBe(false);
  });

  it('clones in full with the given name, follows the task and links the new VM', async () => {
    const t = task({ id: 'task0000000c', type: 'vm.clone', state: 'succeeded', target: { kind: 'vm', id: NEW } });
    const f = mockFetch({
      [`POST /api/v1/vms/${VM}/clone`]: { status: 202, body: { taskId: t.id, vmId: NEW } },
      'GET /api/v1/tasks': { body: { items: [t], total: 1, limit: 50, offset: 0 } },
      'GET /api/v1/storage/pools': POOLS,
    });
    renderWithClient(<VmCopyActions vm={vm()} />);
    fireEvent.click(screen.getByTestId('vm-clone'));
    const dialog = await screen.findByTestId('clone-dialog');
    expect((within(dialog).getByLabelText(/Linked/) as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Name of the new VM'), { target: { value: 'web-2' } });
    fireEvent.click(within(dialog).getByText('Clone'));
    const open = await within(dialog).findByTestId('clone-open');
    expect(open.getAttribute('href')).toBe(`/vms/${NEW}`);
    expect(f.called('POST', `/api/v1/vms/${VM}/clone`)[0]!.body).toEqual({ name: 'web-2', mode: 'full' });
  });

  it("offers the host's pools for the new volumes (stopped ones not choosable) and sends the chosen one", async () => {
    const f = mockFetch({
      [`POST /api/v1/vms/${VM}/clone`]: apiError(409, 'INVALID_STATE', 'pool fast is stopped; start it, or clone into another pool'),
      'GET /api/v1/storage/pools': POOLS,
    });
    renderWithClient(<VmCopyActions vm={vm()} />);
    fireEvent.click(screen.getByTestId('vm-clone'));
    const dialog = await screen.findByTestId('clone-dialog');
    const select = within(dialog).getByLabelText('Storage pool') as HTMLSelectElement;
    await waitFor(() => expect(select.options).toHaveLength(4));
    expect(select.value).toBe(''); // the server's default: beside each source disk
    expect([...select.options].map((o) => [o.textContent, o.disabled])).toEqual([
      ['Same pool as each source disk', false], ['default (83.8 GiB free)', false], ['fast (50.0 GiB free)', false], ['archive (stopped)', true],
    ]);
    expect(f.calls.find((c) => c.path === '/api/v1/storage/pools')!.url).toContain('hostId=local');
    fireEvent.change(select, { target: { value: 'fast' } });
    fireEvent.click(within(dialog).getByText('Clone'));
    const err = await within(dialog).findByTestId('error-message');
    expect(err.dataset.code).toBe('INVALID_STATE');
    expect(err.textContent).toContain('pool fast is stopped');
    expect(f.called('POST', `/api/v1/vms/${VM}/clone`)[0]!.body).toEqual({ name: 'web-1-clone', mode: 'full', pool: 'fast' });
  });

  it('offers linked clones of a template and shows a refusal by code', async () => {
    const f = mockFetch({ [`POST /api/v1/vms/${VM}/clone`]: apiError(409, 'CONFLICT', 'a VM named web-1-clone already exists on host local') });
    renderWithClient(<VmCopyActions vm={vm({ template: true })} />);
    expect(screen.queryByTestId('vm-template')).toBeNull();
    fireEvent.click(screen.getByTestId('vm-clone'));
    const dialog = await screen.findByTestId('clone-dialog');
    expect((within(dialog).getByLabelText(/Linked/) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByText('Clone'));
    expect((await within(dialog).findByTestId('error-message')).textContent).toContain('CONFLICT a VM named web-1-clone already exists');
    expect(f.called('POST', `/api/v1/vms/${VM}/clone`)[0]!.body).toEqual({ name: 'web-1-clone', mode: 'linked' });
  });

  it('converts to a template only after a confirmation', async () => {
    const f = mockFetch({ [`POST /api/v1/vms/${VM}/template`]: { status: 202, body: { taskId: 'task0000000t' } } });
    renderWithClient(<VmCopyActions vm={vm()} />);
    fireEvent.click(screen.getByTestId('vm-template'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('can no longer be started');
    expect(f.calls).toHaveLength(0);
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(f.called('POST', `/api/v1/vms/${VM}/template`)).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
  });
});
