import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import type { Network, Role } from '@ferry/contract';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { host, network } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../../admin/admin-fixtures.ts';
import { NetworksPage } from './networks-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(role: Role) {
  let networks: Network[] = [network({ name: 'default' })];
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/hosts': { body: { items: [host({ id: 'local', name: 'alpha' })] } },
    'GET /api/v1/networks': () => ({ body: { items: networks } }),
    'POST /api/v1/networks': (c) => {
      const b = c.body as { name: string; mode: 'nat' | 'isolated' | 'bridge'; bridge?: string; ipv4?: string };
      if (b.bridge === 'br-missing') return apiError(500, 'INTERNAL', 'starting the network failed');
      const [address = '', prefix = '0'] = (b.ipv4 ?? '').split('/');
      const created = network({ name: b.name, mode: b.mode, bridge: b.bridge ?? 'virbr1', ipv4: b.ipv4 ? { address, prefix: Number(prefix), dhcp: null, hosts: [] } : null });
      networks = [...networks, created];
      return { status: 201, body: created };
    },
  });
  renderWithClient(<NetworksPage hostId="local" />);
  return f;
}

describe('the networks page', () => {
  it("lists the host's networks, each linking to its page; no New network without network.manage", async () => {
    setup('Operator');
    const row = await screen.findByRole('row', { name: /default/ });
    expect(within(row).getByRole('link', { name: 'default' }).getAttribute('href')).toBe('/networks/local/default');
    expect(row.textContent).toContain('192.168.122.2 – 192.168.122.254');
    await screen.findByText('Networks on alpha');
    expect(screen.queryByRole('button', { name: 'New network' })).toBeNull();
  });

  it('creates a NAT network from a name alone: a free subnet and DHCP are filled in, and it is listed at once', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'New network' }));
    expect((screen.getByLabelText(/^NAT/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Host address and prefix') as HTMLInputElement).value).toBe('192.168.100.1/24');
    expect((screen.getByLabelText('DHCP from') as HTMLInputElement).value).toBe('192.168.100.2');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'lab-nat' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    await screen.findByRole('link', { name: 'lab-nat' });
    expect(screen.queryByTestId('create-network-dialog')).toBeNull();
    const [call] = f.called('POST', '/api/v1/networks');
    expect(call!.url).toContain('hostId=local');
    expect(call!.body).toEqual({ mode: 'nat', name: 'lab-nat', start: true, autostart: true, ipv4: '192.168.100.1/24', dhcp: { start: '192.168.100.2', end: '192.168.100.254' } });
  });

  it('creates an isolated network whose DHCP range follows the address until edited', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'New network' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'iso' } });
    fireEvent.click(screen.getByLabelText(/^Isolated/));
    fireEvent.change(screen.getByLabelText('Host address and prefix'), { target: { value: '10.250.7.1/24' } });
    expect((screen.getByLabelText('DHCP to') as HTMLInputElement).value).toBe('10.250.7.254');
    fireEvent.change(screen.getByLabelText('DHCP to'), { target: { value: '10.250.7.99' } });
    fireEvent.change(screen.getByLabelText('Host address and prefix'), { target: { value: '10.250.8.1/24' } });
    // The edited end stays; the start still follows, and the contract's check says the range is off.
    expect((screen.getByLabelText('DHCP from') as HTMLInputElement).value).toBe('10.250.8.2');
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    expect(screen.getByTestId('network-dhcp-range-error').textContent).toBe("the DHCP range must lie in 10.250.8.1/24's subnet, excluding the host address");
    expect(f.called('POST', '/api/v1/networks')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('DHCP to'), { target: { value: '10.250.8.99' } });
    fireEvent.click(screen.getByLabelText('Start with the host'));
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    await screen.findByRole('link', { name: 'iso' });
    expect(f.called('POST', '/api/v1/networks')[0]!.body).toEqual({
      mode: 'isolated', name: 'iso', start: true, autostart: false, ipv4: '10.250.8.1/24', dhcp: { start: '10.250.8.2', end: '10.250.8.99' },
    });
  });

  it('asks a bridged network only for its host bridge, and shows the server refusing it by code', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'New network' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'lan' } });
    fireEvent.click(screen.getByLabelText(/^Bridged/));
    expect(screen.queryByLabelText('Host address and prefix')).toBeNull();
    expect(screen.queryByLabelText('Hand out addresses (DHCP)')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    expect(screen.getByText('an interface name: letters, digits, . _ - (max 15)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Host bridge'), { target: { value: 'br-missing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    const error = await screen.findByTestId('error-message');
    expect(error.dataset.code).toBe('INTERNAL');
    expect(error.textContent).toContain('starting the network failed');
    expect(f.called('POST', '/api/v1/networks')[0]!.body).toEqual({ mode: 'bridge', name: 'lan', start: true, autostart: true, bridge: 'br-missing' });
  });

  it('refuses a name or subnet the host already has before asking', async () => {
    const f = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'New network' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'default' } });
    fireEvent.change(screen.getByLabelText('Host address and prefix'), { target: { value: '192.168.122.7/24' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create network' }));
    expect(screen.getByText('a network named default exists')).toBeTruthy();
    expect(screen.getByText('overlaps network default (192.168.122.1/24)')).toBeTruthy();
    expect(f.called('POST', '/api/v1/networks')).toHaveLength(0);
  });
});
