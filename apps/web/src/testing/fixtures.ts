// Plain objects shaped like the API's answers, for component tests.
import { ROLE_PRIVILEGES, type Host, type Me, type Network, type Role, type StoragePool, type Task, type VmSummary } from '@ferry/contract';

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

export const host = (over: Partial<Host> = {}): Host => ({
  id: 'local', name: 'local', uri: 'qemu:///system', migrationUri: null, state: 'connected', stateSince: '2026-01-01T00:00:00.000Z',
  lastError: null, hostname: 'h1', libvirtVersion: '9.0.0', hypervisorVersion: '7.2.0', ...over,
});

export const vm = (over: Partial<VmSummary> = {}): VmSummary => ({
  id: uuid(), name: `vm-${n}`, hostId: 'local', state: 'shutoff', reason: 'shutdown', vcpus: 1, memoryMiB: 1024,
  uptimeS: null, ips: [], tags: [], template: false, stale: false, ...over,
});

export const pool = (over: Partial<StoragePool> = {}): StoragePool => ({
  hostId: 'local', name: 'default', uuid: uuid(), type: 'dir', path: '/var/lib/libvirt/images', active: true, autostart: true,
  capacityBytes: 100e9, allocationBytes: 10e9, availableBytes: 90e9, ...over,
});

export const network = (over: Partial<Network> = {}): Network => ({
  hostId: 'local', name: 'default', uuid: uuid(), mode: 'nat', active: true, autostart: true, bridge: 'virbr0', domain: null,
  ipv4: { address: '192.168.122.1', prefix: 24, dhcp: { start: '192.168.122.2', end: '192.168.122.254' }, hosts: [] }, ...over,
});

export const task = (over: Partial<Task> = {}): Task => ({
  id: `task${String(++n).padStart(8, '0')}`, type: 'vm.start', state: 'running', target: { kind: 'vm', id: uuid() }, hostId: 'local',
  userId: 'u1', username: 'admin', cancellable: false, createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null, ...over,
});

/**
 * /auth/me of a signed-in user holding `role` on `/` (null: none) and any `grants` below it;
 * `privileges` are those on `/`, as the server computes them.
 */
export const me = (role: Role | null, grants: { path: string; role: Role }[] = []): Me => ({
  user: { id: 'user0001', username: 'alice', disabled: false, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
  via: 'session',
  grants: [...(role ? [{ path: '/', role }] : []), ...grants].map((g, i) => ({
    id: `grant${String(i).padStart(3, '0')}`, userId: 'user0001', username: 'alice', createdAt: '2026-01-01T00:00:00.000Z', ...g,
  })),
  privileges: role ? [...ROLE_PRIVILEGES[role]] : [],
});
