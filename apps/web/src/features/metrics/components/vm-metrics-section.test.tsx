import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { StatsMessage, VmMetrics, VmSample } from '@ferry/contract';
import { mockFetch, apiError } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { liveStats } from '../live-stats.ts';
import VmMetricsSection from './vm-metrics-section.tsx';

const VM = '00000000-0000-4000-8000-0000000000aa';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  liveStats.clear();
});

const sample = (cpuPct: number): VmSample => ({
  vmId: VM, cpuPct, memUsedMiB: 512, memAvailableMiB: 1024, diskReadBps: 2048, diskWriteBps: 0, diskReadIops: 1, diskWriteIops: 0, netRxBps: 100, netTxBps: 50,
});
const push = (sec: number, cpu: number) => liveStats.push({
  type: 'stats', hostId: 'local', at: new Date(Date.UTC(2026, 0, 1, 12, 0, sec)).toISOString(), intervalS: 2, host: null, vms: [sample(cpu)],
} satisfies StatsMessage);

const stat = (avg: number, max: number) => ({ avg, max });
const history = (range: VmMetrics['range']): VmMetrics => ({
  vmId: VM, range, stepS: 10, from: '2026-01-01T11:00:00.000Z', to: '2026-01-01T12:00:00.000Z',
  points: [0, 1, 2].map((i) => ({
    at: new Date(Date.UTC(2026, 0, 1, 11, 59, i * 10)).toISOString(), samples: 5, partial: i === 2,
    cpuPct: stat(10 + i, 30 + i), memUsedMiB: null, memAvailableMiB: null, diskReadBps: stat(0, 0), diskWriteBps: stat(1024, 4096),
    diskReadIops: stat(0, 0), diskWriteIops: stat(0, 0), netRxBps: stat(0, 0), netTxBps: stat(0, 0),
  })),
});

describe('the VM performance charts', () => {
  it('draws live samples from the event stream as they arrive, with units and an accessible summary', () => {
    mockFetch({});
    renderWithClient(<VmMetricsSection vmId={VM} running />);
    const cpu = screen.getByTestId('chart-vm-metrics-cpu');
    expect(cpu.getAttribute('data-points')).toBe('0');
    act(() => { push(0, 12.5); push(2, 40); });
    expect(cpu.getAttribute('data-points')).toBe('2');
    expect(screen.getByRole('img', { name: /CPU.*Latest: CPU 40 %/ })).toBeTruthy();
    expect(screen.getByTestId('chart-vm-metrics-disk').textContent).toContain('Read: 2.0 KiB/s');
    expect(screen.getByTestId('chart-vm-metrics-memory').textContent).toContain('Used: 512 MiB');
    // An idle network still gets distinct axis labels (not fractions of a byte).
    const labels = [...screen.getByTestId('chart-vm-metrics-network').querySelectorAll('.chart-grid text[text-anchor=end]')].map((t) => t.textContent);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.at(-1)).toBe('1.0 KiB/s');
  });

  it('switches to a history range and shows average and maximum', async () => {
    const f = mockFetch({ [`GET /api/v1/vms/${VM}/metrics`]: (c) => ({ body: history(new URL(c.url, 'http://x').searchParams.get('range') as VmMetrics['range']) }) });
    renderWithClient(<VmMetricsSection vmId={VM} running />);
    fireEvent.click(screen.getByRole('button', { name: 'Day' }));
    await waitFor(() => expect(screen.getByTestId('vm-metrics-history')).toBeTruthy());
    expect(f.calls.at(-1)!.url).toContain('range=day');
    expect(screen.getByRole('button', { name: 'Day' }).getAttribute('aria-pressed')).toBe('true');
    const cpu = screen.getByTestId('chart-vm-metrics-cpu');
    expect(cpu.textContent).toContain('CPU avg: 12 %');
    expect(cpu.textContent).toContain('CPU max: 32 %');
    expect(cpu.querySelectorAll('path.dashed')).toHaveLength(1);
    expect(screen.getByTestId('chart-vm-metrics-memory').textContent).toContain('No memory statistics');
    fireEvent.click(screen.getByRole('button', { name: 'Week' }));
    await waitFor(() => expect(f.calls.at(-1)!.url).toContain('range=week'));
  });

  it('shows a failed history request by its code', async () => {
    mockFetch({ [`GET /api/v1/vms/${VM}/metrics`]: apiError(403, 'FORBIDDEN', 'you may not see this VM') });
    renderWithClient(<VmMetricsSection vmId={VM} running={false} />);
    expect(screen.getByTestId('vm-metrics-idle')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Hour' }));
    await waitFor(() => expect(screen.getByTestId('error-message').getAttribute('data-code')).toBe('FORBIDDEN'));
  });
});
