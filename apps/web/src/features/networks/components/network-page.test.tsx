import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { Role } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { network } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { NetworkPage } from './network-page.tsx';

beforeEach(() => window.history.replaceState(null, '', '/networks/local/default'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(role: Role) {
  const base = network({ domain: 'lab.example' });
  const detail = {
    ...base,
    ipv4: { ...base.ipv4!, hosts: [{ mac: '52:54:00:00:00:01', ip: '192.168.122.10', name: 'db' }] },
    leases: [{ mac: '52:54:00:00:00:02', ipAddress: '192.168.122.50', prefix: 24, hostname: '<script>x</script>', clientId: null, expiresAt: null }],
  };
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/networks/default': { body: detail },
    'POST /api/v1/networks/default/stop': { body: { ...base, active: false } },
    'PUT /api/v1/networks/default/autostart': (c) => ({ body: { ...base, autostart: (c.body as { enabled: boolean }).enabled } }),
  });
  renderWithClient(<NetworkPage hostId="local" name="default" />);
  return f;
}

describe('the network page', () => {
  it('shows static addresses, leases (as text) and the DNS domain', async () => {
    setup('Auditor');
    await screen.findByText('lab.example');
    expect(screen.getByText('192.168.122.10')).toBeTruthy();
    expect(screen.getByText('<script>x</script>')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('stops the network only after asking, and switches autostart', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    expect(f.called('POST', '/api/v1/networks/default/stop')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Stop network' }));
    await waitFor(() => expect(f.called('POST', '/api/v1/networks/default/stop')[0]!.url).toContain('hostId=local'));
    fireEvent.click(screen.getByLabelText('Start with the host'));
    await waitFor(() => expect(f.called('PUT', '/api/v1/networks/default/autostart')[0]!.body).toEqual({ enabled: false }));
  });
});
