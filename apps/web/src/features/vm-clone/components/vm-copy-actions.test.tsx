import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { VmDetail } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { task } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { VmCopyActions } from './vm-copy-actions.tsx';

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

  it('clones in full with the given name, follows the task and links the new VM', async () => {
    const t = task({ id: 'task0000000c', type: 'vm.clone', state: 'succeeded', target: { kind: 'vm', id: NEW } });
    const f = mockFetch({
      [`POST /api/v1/vms/${VM}/clone`]: { status: 202, body: { taskId: t.id, vmId: NEW } },
      'GET /api/v1/tasks': { body: { items: [t], total: 1, limit: 50, offset: 0 } },
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
