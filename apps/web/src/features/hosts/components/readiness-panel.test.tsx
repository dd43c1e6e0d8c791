import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { ReadinessPanel } from './readiness-panel.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the readiness panel', () => {
  it('asks again when the host connects, instead of keeping the "still connecting" report', async () => {
    let connected = false;
    const f = mockFetch({
      'GET /api/v1/hosts/h2/readiness': () => ({ body: connected
        ? { acceleration: 'kvm', checks: [{ id: 'libvirt.reachable', status: 'pass', message: 'Connected' }] }
        : { acceleration: 'none', checks: [{ id: 'libvirt.reachable', status: 'fail', message: 'h2 is connecting', fix: 'systemctl start libvirtd' }] } }),
    });
    const { qc, rerender } = renderWithClient(<ReadinessPanel hostId="h2" hostState="connecting" />);
    await screen.findByText('h2 is connecting');
    expect(screen.getByLabelText('Fix for libvirt.reachable').textContent).toBe('systemctl start libvirtd');
    connected = true;
    rerender(<QueryClientProvider client={qc}><ReadinessPanel hostId="h2" hostState="connected" /></QueryClientProvider>);
    await screen.findByText('Connected');
    expect(f.called('GET', '/api/v1/hosts/h2/readiness')).toHaveLength(2);
  });
});
