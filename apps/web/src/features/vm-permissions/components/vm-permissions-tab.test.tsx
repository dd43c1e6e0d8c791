import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Grant, Me, Privilege, VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { VmPermissionsTab } from './vm-permissions-tab.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const vm = { id: VM, name: 'web-1', state: 'shutoff', hostId: 'local', template: false } as VmDetail;
const at = '2026-01-01T00:00:00.000Z';
const user = (id: string, username: string) => ({ id, username, disabled: false, createdAt: at, updatedAt: at });
const grant = (id: string, username: string, path: string, role: Grant['role']): Grant => ({ id, userId: `u-${username}`, username, path, role, createdAt: at });
const me = (privileges: Privilege[], grants: Grant[] = []): Me => ({ user: user('u-admin', 'admin'), via: 'session', grants, privileges });

const GRANTS = [
  grant('g1', 'carol', `/vms/${VM}`, 'Operator'),
  grant('g2', 'admin', '/', 'Administrator'),
  grant('g3', 'dave', '/vms/00000000-0000-4000-8000-000000000009', 'Operator'),
  grant('g4', 'erin', '/hosts/local', 'Auditor'),
];

describe('the permissions tab', () => {
  it('is read-only without users.manage, showing the caller\'s own grants and never asking for all', async () => {
    const f = mockFetch({ 'GET /api/v1/auth/me': { body: me(['sys.read', 'vm.power'], [grant('g9', 'bob', `/vms/${VM}`, 'Operator')]) } });
    renderWithClient(<VmPermissionsTab vm={vm} />);
    const tab = await screen.findByTestId('vm-permissions');
    expect(tab.dataset.readonly).toBe('true');
    expect(within(screen.getByTestId('grants-mine')).getByText('bob')).toBeTruthy();
    expect(screen.queryByTestId('grant-add')).toBeNull();
    expect(screen.queryByTestId('grant-remove')).toBeNull();
    expect(f.called('GET', '/api/v1/acl')).toHaveLength(0);
  });

  it('lists the VM\'s own and inherited grants, adds one and removes one after a confirmation', async () => {
    const f = mockFetch({
      'GET /api/v1/auth/me': { body: me(['users.manage', 'sys.read']) },
      'GET /api/v1/acl': { body: { items: GRANTS } },
      'GET /api/v1/users': { body: { items: [user('u-carol', 'carol'), user('u-frank', 'frank')] } },
      'POST /api/v1/acl': (c) => ({ status: 201, body: { id: 'g5', username: 'frank', createdAt: at, ...(c.body as object) } }),
      'DELETE /api/v1/acl/g1': { status: 204 },
    });
    renderWithClient(<VmPermissionsTab vm={vm} />);
    await waitFor(() => expect(within(screen.getByTestId('grants-own')).queryByText('carol')).toBeTruthy());
    expect(screen.getByTestId('vm-permissions').dataset.readonly).toBe('false');
    const inherited = within(screen.getByTestId('grants-inherited')).getAllByTestId('grant-row').map((r) => r.dataset.username);
    expect(inherited).toEqual(['admin', 'erin']);
    expect(screen.queryByText('dave')).toBeNull();

    await within(screen.getByLabelText('User')).findByText('frank');
    fireEvent.change(screen.getByLabelText('User'), { target: { value: 'u-frank' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'Auditor' } });
    fireEvent.click(screen.getByText('Grant'));
    await waitFor(() => expect(f.called('POST', '/api/v1/acl')).toHaveLength(1));
    expect(f.called('POST', '/api/v1/acl')[0]!.body).toEqual({ userId: 'u-frank', path: `/vms/${VM}`, role: 'Auditor' });

    fireEvent.click(screen.getByLabelText('Remove Operator of carol'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(f.called('DELETE', '/api/v1/acl/g1')).toHaveLength(0);
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    await waitFor(() => expect(f.called('DELETE', '/api/v1/acl/g1')).toHaveLength(1));
  });
});
