import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { HostTop, VmSample } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { liveStats } from '../live-stats.ts';
import HostMetricsSection from './host-metrics-section.tsx';

const VM = '00000000-0000-4000-8000-0000000000bb';
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  liveStats.clear();
});

const sample: VmSample = { vmId: VM, cpuPct: 150, memUsedMiB: null, memAvailableMiB: null, diskReadBps: 0, diskWriteBps: 0, diskReadIops: 0, diskWriteIops: 0, netRxBps: 0, netTxBps: 0 };
const top = (by: HostTop['by']): HostTop => ({ hostId: 'local', by, at: '2026-01-01T00:00:00.000Z', intervalS: 2, items: [{ vmId: VM, name: '<b>guest</b>', value: 150, sample }] });

describe('the host usage charts', () => {
  it('draws live host CPU and memory and lists the top consumers, names as text', async () => {
    const f = mockFetch({ 'GET /api/v1/hosts/local/top': (c) => ({ body: top(new URL(c.url, 'http://x').searchParams.get('by') as HostTop['by']) }) });
    renderWithClient(<HostMetricsSection hostId="local" />);
    act(() => liveStats.push({ type: 'stats', hostId: 'local', at: '2026-01-01T00:00:00.000Z', intervalS: 2, host: { cpuPct: 25, memUsedMiB: 2048, memTotalMiB: 8192 }, vms: [] }));
    expect(screen.getByTestId('chart-host-metrics-host-cpu').textContent).toContain('CPU: 25 %');
    expect(screen.getByTestId('chart-host-metrics-host-memory').textContent).toContain('Total: 8.0 GiB');
    const row = await screen.findByTestId('top-row');
    expect(row.textContent).toContain('<b>guest</b>');
    expect(row.querySelector('b')).toBeNull();
    expect(row.textContent).toContain('150 %');
    fireEvent.change(screen.getByLabelText('Ordered by'), { target: { value: 'network' } });
    await waitFor(() => expect(f.calls.at(-1)!.url).toContain('by=network'));
  });

  it('asks for the top consumers again when the host\'s next sample arrives, not on a timer', async () => {
    const f = mockFetch({ 'GET /api/v1/hosts/local/top': () => ({ body: top('cpu') }) });
    const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
    const push = (s: number) => act(() => liveStats.push({ type: 'stats', hostId: 'local', at: at(s), intervalS: 2, host: { cpuPct: 25, memUsedMiB: 2048, memTotalMiB: 8192 }, vms: [] }));
    push(0);
    renderWithClient(<HostMetricsSection hostId="local" />);
    await screen.findByTestId('top-row');
    const asked = () => f.called('GET', '/api/v1/hosts/local/top').length;
    expect(asked()).toBe(1); // the sample already there is what the first answer is from
    push(2);
    await waitFor(() => expect(asked()).toBe(2));
    push(2); // the same sample again: nothing new to ask for
    push(4);
    await waitFor(() => expect(asked()).toBe(3));
    liveStats.push({ type: 'stats', hostId: 'other', at: at(6), intervalS: 2, host: { cpuPct: 1, memUsedMiB: 1, memTotalMiB: 2 }, vms: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(asked()).toBe(3); // another host's sample is not this table's
  });
});
