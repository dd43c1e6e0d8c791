import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../../testing/fetch-mock.ts';
import { me } from '../../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../../testing/render.tsx';
import { PowerButtons } from './power-buttons.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const vm = { id: VM, name: 'web-1', state: 'shutoff', hostId: 'local', template: false } as VmDetail;
const enabled = () => screen.getAllByRole('button').filter((b) => !(b as HTMLButtonElement).disabled).map((b) => b.textContent);

describe('the power buttons', () => {
  it('follow the VM state for a caller with vm.power, and start it', async () => {
    const f = mockFetch({ [`POST /api/v1/vms/${VM}/start`]: { status: 202, body: { taskId: 'task0000000p' } } });
    renderWithClient(<PowerButtons vm={vm} />, testQueryClient(me('Operator')));
    expect(enabled()).toEqual(['Start']);
    fireEvent.click(screen.getByTestId('vm-start'));
    await waitFor(() => expect(f.called('POST', `/api/v1/vms/${VM}/start`)).toHaveLength(1));
  });

  it('are all disabled, saying why, for a caller without vm.power on the VM', () => {
    mockFetch({});
    renderWithClient(<PowerButtons vm={vm} />, testQueryClient(me('Auditor', [{ path: '/vms/6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5c', role: 'Operator' }])));
    expect(enabled()).toEqual([]);
    expect((screen.getByTestId('vm-start') as HTMLButtonElement).title).toMatch(/vm\.power privilege on this VM/);
  });
});
