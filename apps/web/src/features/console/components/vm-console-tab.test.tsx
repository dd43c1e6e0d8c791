import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import type { Me, VmDetail } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { me } from '../../../testing/fixtures.ts';
import { renderWithClient, testQueryClient } from '../../../testing/render.tsx';
import { consoleStatusText } from './console-status.tsx';
import { VmConsoleTab } from './vm-console-tab.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const vm = (state: VmDetail['state']) => ({ id: VM, name: 'web-1', state, hostId: 'local' }) as VmDetail;
const render = (ui: React.ReactElement, caller: Me = me('Operator')) => renderWithClient(ui, testQueryClient(caller));

describe('the console tab', () => {
  it('explains instead of connecting when the VM is not running', () => {
    const f = mockFetch({});
    render(<VmConsoleTab vm={vm('shutoff')} kind="vnc" />);
    expect(screen.getByTestId('console-unavailable').textContent).toContain('shutoff');
    expect(screen.queryByTestId('vnc-console')).toBeNull();
    expect(f.calls).toHaveLength(0);
  });

  it('says the console needs vm.console instead of asking for a ticket, unless a grant on the VM gives it', () => {
    const f = mockFetch({});
    render(<VmConsoleTab vm={vm('running')} kind="vnc" />, me('Auditor'));
    expect(screen.getByTestId('console-forbidden').textContent).toContain('vm.console');
    expect(f.calls).toHaveLength(0);
    cleanup();
    render(<VmConsoleTab vm={vm('shutoff')} kind="vnc" />, me('Auditor', [{ path: `/vms/${VM}`, role: 'Operator' }]));
    expect(screen.queryByTestId('console-forbidden')).toBeNull();
    expect(screen.getByTestId('console-unavailable')).toBeTruthy();
  });

  it('links the graphical and the serial console, marking the open one', () => {
    mockFetch({});
    render(<VmConsoleTab vm={vm('shutoff')} kind="serial" />);
    expect(document.getElementById('console-kind-serial')!.getAttribute('aria-current')).toBe('page');
    expect(document.getElementById('console-kind-vnc')!.getAttribute('href')).toBe('/vms/6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b/console');
  });
});

describe('the console status', () => {
  it('says connecting, connected, or disconnected with the reason', () => {
    expect(consoleStatusText({ state: 'connecting' })).toBe('Connecting…');
    expect(consoleStatusText({ state: 'connected' })).toBe('Connected');
    expect(consoleStatusText({ state: 'disconnected', reason: 'the VM stopped' })).toBe('Disconnected: the VM stopped');
  });
});
