import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { mockFetch } from '../../testing/fetch-mock.ts';
import { me } from '../../testing/fixtures.ts';
import { testQueryClient } from '../../testing/render.tsx';
import { canOnHost, canOnVm, useCanOnVm } from './can.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VM = { id: '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', hostId: 'h1' };
const OTHER = { id: '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5c', hostId: 'h2' };

describe('what the caller may do on a VM, from /auth/me', () => {
  it('follows grants down from /, the VM\'s host and the VM itself, and nowhere else', () => {
    expect(canOnVm(me('Administrator'), VM, 'vm.config')).toBe(true);
    expect(canOnVm(me('Operator'), VM, 'vm.power')).toBe(true);
    expect(canOnVm(me('Operator'), VM, 'vm.config')).toBe(false);

    const hostAdmin = me('Auditor', [{ path: '/hosts/h1', role: 'Administrator' }]);
    expect(canOnVm(hostAdmin, VM, 'vm.delete')).toBe(true);
    expect(canOnVm(hostAdmin, OTHER, 'vm.delete')).toBe(false);
    expect(canOnHost(hostAdmin, 'h1', 'storage.manage')).toBe(true);

    const vmOperator = me(null, [{ path: `/vms/${VM.id}`, role: 'Operator' }]);
    expect(canOnVm(vmOperator, VM, 'vm.snapshot')).toBe(true);
    expect(canOnVm(vmOperator, VM, 'vm.config')).toBe(false);
    expect(canOnVm(vmOperator, OTHER, 'vm.snapshot')).toBe(false);
    // A grant on a VM says nothing about its host.
    expect(canOnHost(vmOperator, 'h1', 'vm.snapshot')).toBe(false);
  });

  it('counts only / for a token (capped at a role /auth/me states only there), and nothing before /auth/me answers', () => {
    const token = { ...me('Auditor', [{ path: `/vms/${VM.id}`, role: 'Administrator' }]), via: 'token' as const };
    expect(canOnVm(token, VM, 'vm.config')).toBe(false);
    expect(canOnVm(token, VM, 'sys.read')).toBe(true);
    expect(canOnVm(undefined, VM, 'sys.read')).toBe(false);
  });

  it('useCanOnVm answers from the cached /auth/me, without asking the server per button', () => {
    const f = mockFetch({});
    const qc = testQueryClient(me('Auditor', [{ path: `/vms/${VM.id}`, role: 'Operator' }]));
    const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
    const { result } = renderHook(() => useCanOnVm(VM), { wrapper });
    expect((['vm.power', 'vm.snapshot', 'sys.audit', 'vm.config'] as const).map((p) => result.current(p))).toEqual([true, true, true, false]);
    const other = renderHook(() => useCanOnVm(OTHER), { wrapper });
    expect(other.result.current('vm.power')).toBe(false);
    expect(other.result.current('sys.read')).toBe(true);
    expect(f.calls).toHaveLength(0);
  });
});
