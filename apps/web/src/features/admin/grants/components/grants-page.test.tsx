import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { CreateGrantBody, Grant } from '@ferry/contract';
import { apiError, mockFetch } from '../../../../testing/fetch-mock.ts';
import { host, vm } from '../../../../testing/fixtures.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { grant, user } from '../../admin-fixtures.ts';
import { GrantsPage } from './grants-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(grants: Grant[]) {
  let items = grants;
  const web = vm({ name: 'web-1' });
  const f = mockFetch({
    'GET /api/v1/acl': () => ({ body: { items } }),
    'GET /api/v1/users': { body: { items: [user({ id: 'user0002', username: 'bob' })] } },
    'GET /api/v1/hosts': { body: { items: [host({ id: 'local', name: 'Rack 1' })] } },
    'GET /api/v1/vms': { body: { items: [web] } },
    'POST /api/v1/acl': (c) => {
      const b = c.body as CreateGrantBody;
      if (items.some((g) => g.userId === b.userId && g.path === b.path)) return apiError(409, 'CONFLICT', 'bob already holds a role on that path');
      items = [...items, grant({ id: 'grant002', ...b, username: 'bob' })];
      return { status: 201, body: items.at(-1) };
    },
    'DELETE /api/v1/acl/grant001': () => { items = items.filter((g) => g.id !== 'grant001'); return { status: 204 }; },
  });
  renderWithClient(<GrantsPage />);
  return { f, web };
}

describe('permissions (ACL grants)', () => {
  it('grants a role on one VM, naming the path it builds', async () => {
    const { f, web } = setup([]);
    await screen.findByText('No permissions granted');
    fireEvent.click(screen.getByRole('button', { name: 'Add permission' }));
    await screen.findByRole('option', { name: 'bob' });
    fireEvent.change(screen.getByLabelText('User'), { target: { value: 'user0002' } });
    fireEvent.click(screen.getByLabelText('One VM'));
    fireEvent.click(screen.getAllByRole('button', { name: 'Add permission' }).at(-1)!);
    await screen.findByText('choose a VM');
    fireEvent.change(screen.getByLabelText('VM'), { target: { value: web.id } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'Auditor' } });
    expect(screen.getByTestId('grant-path').textContent).toBe(`/vms/${web.id}`);
    fireEvent.click(screen.getAllByRole('button', { name: 'Add permission' }).at(-1)!);
    await screen.findByText('VM web-1');
    expect(f.called('POST', '/api/v1/acl')[0]!.body).toEqual({ userId: 'user0002', path: `/vms/${web.id}`, role: 'Auditor' });
  });

  it('shows a duplicate grant by its code, and removes one after confirming', async () => {
    const { f } = setup([grant({ userId: 'user0002', username: 'bob', path: '/hosts/local' })]);
    await screen.findByText('host Rack 1');
    fireEvent.click(screen.getByRole('button', { name: 'Add permission' }));
    await screen.findByRole('option', { name: 'bob' });
    fireEvent.change(screen.getByLabelText('User'), { target: { value: 'user0002' } });
    fireEvent.click(screen.getByLabelText('One host and its VMs'));
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'local' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add permission' }).at(-1)!);
    expect((await screen.findByTestId('error-message')).dataset.code).toBe('CONFLICT');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    fireEvent.click(screen.getByRole('button', { name: 'Remove Operator of bob on /hosts/local' }));
    expect(f.called('DELETE', '/api/v1/acl/grant001')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Remove permission' }));
    await waitFor(() => expect(screen.queryByText('host Rack 1')).toBeNull());
  });
});
