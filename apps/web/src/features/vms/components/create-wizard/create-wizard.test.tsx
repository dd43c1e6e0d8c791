import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { hostKeys } from '../../../hosts/api/host-keys.ts';
import { apiError, mockFetch } from '../../../../testing/fetch-mock.ts';
import { host, network, pool } from '../../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../../testing/render.tsx';
import { CreateWizard } from './create-wizard.tsx';

const VM_ID = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

function setup(create: Parameters<typeof mockFetch>[0][string] = { status: 202, body: { taskId: 'task0001', vmId: VM_ID } }) {
  const f = mockFetch({
    'GET /api/v1/hosts': { body: { items: [host()] } },
    'GET /api/v1/storage/pools': { body: { items: [pool()] } },
    'GET /api/v1/networks': { body: { items: [network()] } },
    'GET /api/v1/storage/pools/default/volumes': { body: { items: [] } },
    'POST /api/v1/vms': create,
  });
  const qc = testQueryClient();
  qc.setQueryData(hostKeys.list(), [host()]);
  const onClose = vi.fn();
  renderWithClient(<CreateWizard onClose={onClose} />, qc);
  return { f, onClose };
}

describe('the create wizard', () => {
  it('creates a VM from a name and three clicks, with the host\'s defaults, then opens it', async () => {
    const { f, onClose } = setup();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'web-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Review' }));
    await waitFor(() => expect(screen.getByTestId('wizard-summary').textContent).toContain('new 10 GiB qcow2 in default'));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(f.called('POST', '/api/v1/vms')[0]!.body).toEqual({
      name: 'web-1', hostId: 'local', vcpus: 1, memoryMiB: 1024, firmware: 'bios',
      disks: [{ pool: 'default', sizeGiB: 10, format: 'qcow2' }], nics: [{ network: 'default' }], start: false,
    });
    expect(window.location.pathname).toBe(`/vms/${VM_ID}`);
  });

  it('will not leave the first step without a valid name, and says why', async () => {
    setup();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect((await screen.findByText('a name is required')).id).toBe('wizard-name-error');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'bad name' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByText(/letters, digits/)).toBeTruthy();
  });

  it('makes a VM without disk or network when asked, and shows a refusal by its code', async () => {
    const { f, onClose } = setup(apiError(409, 'CONFLICT', 'a VM named web-1 already exists on local'));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'web-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect((screen.getByLabelText('Storage pool') as HTMLSelectElement).value).toBe('default'));
    fireEvent.click(screen.getByLabelText('No disk'));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.change(screen.getByLabelText('Network'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(screen.getByLabelText('Start after creating'));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    const alert = await screen.findByTestId('error-message');
    expect(alert.dataset.code).toBe('CONFLICT');
    expect(alert.textContent).toContain('already exists');
    expect(onClose).not.toHaveBeenCalled();
    expect(f.called('POST', '/api/v1/vms')[0]!.body).toMatchObject({ name: 'web-1', disks: [], nics: [], start: true });
  });
});
