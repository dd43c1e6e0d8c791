import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { mockFetch } from '../../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { grant, meWith, user } from '../../admin-fixtures.ts';
import { UsersPage } from './users-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup() {
  let users = [user({ id: 'user0001', username: 'admin' }), user({ id: 'user0002', username: 'bob' })];
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith('Administrator', { id: 'user0001', username: 'admin' }) },
    'GET /api/v1/users': () => ({ body: { items: users } }),
    'GET /api/v1/acl': { body: { items: [grant({ userId: 'user0002', username: 'bob', role: 'Auditor', path: '/hosts/local' })] } },
    'GET /api/v1/hosts': { body: { items: [] } },
    'GET /api/v1/vms': { body: { items: [] } },
    'POST /api/v1/users': (c) => {
      const b = c.body as { username: string };
      users = [...users, user({ id: 'user0003', username: b.username })];
      return { status: 201, body: users.at(-1) };
    },
    'PATCH /api/v1/users/user0002': (c) => {
      users = users.map((u) => (u.id === 'user0002' ? { ...u, ...(c.body as object) } : u));
      return { body: users[1] };
    },
    'DELETE /api/v1/users/user0002': () => { users = users.filter((u) => u.id !== 'user0002'); return { status: 204 }; },
  });
  renderWithClient(<UsersPage />);
  return f;
}

describe('users', () => {
  it('lists users with their roles and marks the caller', async () => {
    setup();
    await screen.findByText('bob');
    expect(screen.getByText('Auditor on /hosts/local')).toBeTruthy();
    expect(screen.getByText('you')).toBeTruthy();
    // No locking oneself out.
    expect((screen.getByRole('button', { name: 'Delete admin' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Disable admin' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('creates a user with a role, checking the name and password first', async () => {
    const f = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'Carol' } });
    fireEvent.change(screen.getByLabelText('Initial password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }));
    await screen.findByText(/must start with a lowercase letter/);
    expect(screen.getByText('must have at least 8 characters')).toBeTruthy();
    expect(f.called('POST', '/api/v1/users')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'carol' } });
    fireEvent.change(screen.getByLabelText('Initial password'), { target: { value: 'long-enough-pw' } });
    fireEvent.change(screen.getByLabelText('Role on / (everything)'), { target: { value: 'Auditor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }));
    await screen.findByText('carol');
    expect(f.called('POST', '/api/v1/users')[0]!.body).toEqual({ username: 'carol', password: 'long-enough-pw', role: 'Auditor' });
  });

  it('disables a user only after asking, then offers to enable them', async () => {
    const f = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Disable bob' }));
    expect(f.called('PATCH', '/api/v1/users/user0002')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Disable user' }));
    await screen.findByRole('button', { name: 'Enable bob' });
    expect(f.called('PATCH', '/api/v1/users/user0002')[0]!.body).toEqual({ disabled: true });
  });

  it('sets a new password and deletes after confirmation', async () => {
    const f = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'New password for bob' }));
    fireEvent.change(screen.getByLabelText('New password'), { target: { value: 'another-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    await waitFor(() => expect(f.called('PATCH', '/api/v1/users/user0002')[0]!.body).toEqual({ password: 'another-password' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete user' }));
    await waitFor(() => expect(screen.queryByText('bob')).toBeNull());
  });
});
