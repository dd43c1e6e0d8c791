import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { VmSummary } from '@ferry/contract';
import { mockFetch } from '../../../../testing/fetch-mock.ts';
import { host, vm } from '../../../../testing/fixtures.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { VmListPage } from './vm-list-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(vms: VmSummary[]) {
  const f = mockFetch({
    'GET /api/v1/vms': { body: { items: vms } },
    'GET /api/v1/hosts': { body: { items: [host()] } },
    'POST /api/v1/vms/power': (c) => ({
      body: {
        results: (c.body as { vmIds: string[] }).vmIds.map((id, i) => (i === 0
          ? { vmId: id, taskId: 'task0001' } : { vmId: id, error: { code: 'INVALID_STATE', message: 'the VM is already running' } })),
      },
    }),
  });
  renderWithClient(<VmListPage />);
  return f;
}

describe('the VM list', () => {
  it('renders only the rows in view, even for 1,000 VMs', async () => {
    setup(Array.from({ length: 1000 }, (_, i) => vm({ name: `vm-${String(i).padStart(4, '0')}` })));
    await screen.findByText('vm-0000');
    expect(screen.getByTestId('vm-count').textContent).toBe('1000 of 1000');
    expect(screen.getAllByTestId('vm-row').length).toBeLessThan(80);
  });

  it('sorts by a column and filters by text', async () => {
    setup([vm({ name: 'b-web' }), vm({ name: 'a-db' }), vm({ name: 'c-web' })]);
    await screen.findByText('a-db');
    const rows = () => screen.getAllByTestId('vm-row').map((r) => r.dataset.vmName);
    expect(rows()).toEqual(['a-db', 'b-web', 'c-web']);
    fireEvent.click(screen.getByTestId('sort-name'));
    expect(rows()).toEqual(['c-web', 'b-web', 'a-db']);
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.change(screen.getByPlaceholderText('Name, IP or tag'), { target: { value: 'web' } });
    expect(rows()).toEqual(['c-web', 'b-web']);
  });

  it('starts the selected VMs in one request and shows each VM\'s result', async () => {
    const a = vm({ name: 'alpha' });
    const b = vm({ name: 'beta', state: 'running' });
    const f = setup([a, b, vm({ name: 'gamma' })]);
    await screen.findByText('alpha');
    fireEvent.click(screen.getByLabelText('Select alpha'));
    fireEvent.click(screen.getByLabelText('Select beta'));
    expect(screen.getByTestId('bulk-bar').textContent).toContain('2 selected');
    fireEvent.click(screen.getByTestId('bulk-start'));
    const dialog = await screen.findByTestId('bulk-results');
    expect(f.called('POST', '/api/v1/vms/power')[0]!.body).toEqual({ action: 'start', vmIds: [a.id, b.id] });
    expect(dialog.textContent).toContain('1 accepted, 1 refused');
    const refused = within(dialog).getAllByTestId('bulk-result').find((r) => r.dataset.ok === 'false')!;
    expect(refused.textContent).toContain('beta');
    expect(refused.textContent).toContain('INVALID_STATE');
  });

  it('asks before stopping many VMs at once', async () => {
    const f = setup([vm({ name: 'alpha', state: 'running' })]);
    await screen.findByText('alpha');
    fireEvent.click(screen.getByLabelText('Select all shown VMs'));
    fireEvent.click(screen.getByTestId('bulk-stop'));
    expect(f.called('POST', '/api/v1/vms/power')).toHaveLength(0);
    fireEvent.click(await screen.findByRole('button', { name: 'Stop 1 VMs' }));
    await waitFor(() => expect(f.called('POST', '/api/v1/vms/power')[0]!.body).toMatchObject({ action: 'stop' }));
  });

  it('renders guest-controlled names as text, never as markup', async () => {
    setup([vm({ name: '<img src=x onerror=alert(1)>' })]);
    const cell = await screen.findByText('<img src=x onerror=alert(1)>');
    expect(cell.querySelector('img')).toBeNull();
  });
});
