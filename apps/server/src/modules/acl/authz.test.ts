// The ACL model, against the service directly: inheritance down the chain, VM → host through
// the resolver, token caps, "somewhere" checks and list filtering.
import { describe, expect, it } from 'vitest';
import type { Role } from '@ferry/contract';
import { openMemoryDatabase } from '../../db/database.ts';
import type { Principal } from '../../lib/principal.ts';
import { insertUser } from '../users/users.service.ts';
import { createAuthz } from './authz.ts';

const VM_X = '11111111-1111-4111-8111-111111111111';
const VM_Y = '22222222-2222-4222-8222-222222222222';
const VM_ON_H2 = '33333333-3333-4333-8333-333333333333';
const HOST_OF: Record<string, string> = { [VM_X]: 'h1', [VM_Y]: 'h1', [VM_ON_H2]: 'h2' };

function setup(grants: { path: string; role: Role }[], withResolver = true) {
  const db = openMemoryDatabase();
  const user = insertUser(db, { username: 'u', passwordHash: 'x', at: new Date() });
  for (const [i, g] of grants.entries()) db.prepare('INSERT INTO acl (id, user_id, path, role, created_at) VALUES (?, ?, ?, ?, ?)').run(`grant-${i}-id`, user.id, g.path, g.role, 'now');
  const resolved: string[] = [];
  const authz = createAuthz({ db });
  if (withResolver) authz.setVmHostResolver(async (uuid) => { resolved.push(uuid); return HOST_OF[uuid] ?? null; });
  const as = (roleCap: Role | null = null): Principal => ({ userId: user.id, username: 'u', via: roleCap ? 'token' : 'session', sessionId: null, tokenId: null, roleCap });
  return { authz, as, resolved, db, user };
}

describe('authz', () => {
  it('gives a grant on / everywhere', async () => {
    const { authz, as } = setup([{ path: '/', role: 'Operator' }]);
    for (const path of ['/', '/hosts/h1', `/vms/${VM_X}`, '*']) expect(await authz.can(as(), 'vm.power', path)).toBe(true);
    expect(await authz.can(as(), 'vm.delete', `/vms/${VM_X}`)).toBe(false);
  });

  it('lets a grant on a host cover the VMs on it, and nothing else', async () => {
    const { authz, as } = setup([{ path: '/hosts/h1', role: 'Operator' }]);
    expect(await authz.can(as(), 'vm.power', '/hosts/h1')).toBe(true);
    expect(await authz.can(as(), 'vm.power', `/vms/${VM_X}`)).toBe(true);
    expect(await authz.can(as(), 'vm.power', `/vms/${VM_ON_H2}`)).toBe(false);
    expect(await authz.can(as(), 'vm.power', '/hosts/h2')).toBe(false);
    expect(await authz.can(as(), 'vm.power', '/')).toBe(false);
  });

  it('lets a grant on a VM cover that VM only', async () => {
    const { authz, as, resolved } = setup([{ path: `/vms/${VM_X}`, role: 'Operator' }]);
    expect(await authz.can(as(), 'vm.console', `/vms/${VM_X}`)).toBe(true);
    expect(await authz.can(as(), 'vm.console', `/vms/${VM_Y}`)).toBe(false);
    expect(await authz.can(as(), 'sys.read', '/hosts/h1')).toBe(false);
    expect(resolved).toEqual([]); // no host grants: the registry need not be asked
  });

  it('unions the roles along the chain', async () => {
    const { authz, as } = setup([{ path: '/', role: 'Auditor' }, { path: '/hosts/h1', role: 'Operator' }, { path: `/vms/${VM_X}`, role: 'Administrator' }]);
    expect(await authz.privilegesOn(as(), `/vms/${VM_X}`)).toHaveLength(13);
    expect(await authz.privilegesOn(as(), `/vms/${VM_Y}`)).toEqual(['sys.read', 'sys.audit', 'vm.power', 'vm.console', 'vm.snapshot', 'vm.migrate']);
    expect(await authz.privilegesOn(as(), `/vms/${VM_ON_H2}`)).toEqual(['sys.read', 'sys.audit']);
  });

  it('applies only / and the VM\'s own grants while no resolver knows the VM\'s host', async () => {
    const { authz, as } = setup([{ path: '/hosts/h1', role: 'Operator' }], false);
    expect(await authz.can(as(), 'vm.power', `/vms/${VM_X}`)).toBe(false);
    expect(await authz.chainFor(`/vms/${VM_X}`)).toEqual(['/', `/vms/${VM_X}`]);
    const other = setup([{ path: '/hosts/h1', role: 'Operator' }]);
    expect(await other.authz.chainFor(`/vms/${VM_X}`)).toEqual(['/', '/hosts/h1', `/vms/${VM_X}`]);
    expect(await other.authz.chainFor('/vms/00000000-0000-4000-8000-000000000000')).toEqual(['/', '/vms/00000000-0000-4000-8000-000000000000']);
  });

  it('gives malformed or unknown paths the chain / alone', async () => {
    const { authz, as } = setup([{ path: '/hosts/h1', role: 'Administrator' }]);
    for (const p of ['/hosts/h1/../h2', '/hosts/H1', '/vms/not-a-uuid', '/storage/x', '', 'hosts/h1']) {
      expect(await authz.chainFor(p)).toEqual(['/']);
      expect(await authz.can(as(), 'sys.read', p)).toBe(false);
    }
  });

  it('caps a token at its role, below its owner', async () => {
    const { authz, as } = setup([{ path: '/', role: 'Administrator' }]);
    expect(await authz.can(as('Operator'), 'vm.power', '/')).toBe(true);
    expect(await authz.can(as('Operator'), 'vm.delete', '/')).toBe(false);
    expect(await authz.can(as('Auditor'), 'vm.power', '*')).toBe(false);
    // And never above it: an Administrator-role token of an Operator is an Operator.
    const op = setup([{ path: '/', role: 'Operator' }]);
    expect(await op.authz.can(op.as('Administrator'), 'vm.delete', '/')).toBe(false);
  });

  it('answers "somewhere" (*) from any grant, and nothing for no principal', async () => {
    const { authz, as } = setup([{ path: `/vms/${VM_X}`, role: 'Auditor' }]);
    expect(await authz.can(as(), 'sys.read', '*')).toBe(true);
    expect(await authz.can(as(), 'vm.power', '*')).toBe(false);
    expect(await authz.can(null, 'sys.read', '/')).toBe(false);
    expect(await setup([]).authz.can(setup([]).as(), 'sys.read', '*')).toBe(false);
  });

  it('filters lists down to what the caller may see, in order', async () => {
    const vms = [VM_X, VM_Y, VM_ON_H2].map((id) => ({ id }));
    const pathOf = (v: { id: string }) => `/vms/${v.id}`;
    const byHost = setup([{ path: '/hosts/h2', role: 'Auditor' }, { path: `/vms/${VM_Y}`, role: 'Auditor' }]);
    expect(await byHost.authz.filterVisible(byHost.as(), 'sys.read', vms, pathOf)).toEqual([{ id: VM_Y }, { id: VM_ON_H2 }]);
    const root = setup([{ path: '/', role: 'Auditor' }]);
    expect(await root.authz.filterVisible(root.as(), 'sys.read', vms, pathOf)).toEqual(vms);
    expect(root.resolved).toEqual([]);
    expect(await root.authz.filterVisible(root.as(), 'vm.power', vms, pathOf)).toEqual([]);
    expect(await root.authz.filterVisible(null, 'sys.read', vms, pathOf)).toEqual([]);
  });

  it('sees a revoked grant at once (no cache)', async () => {
    const { authz, as, db } = setup([{ path: '/', role: 'Operator' }]);
    expect(await authz.can(as(), 'vm.power', '/')).toBe(true);
    db.prepare('DELETE FROM acl').run();
    expect(await authz.can(as(), 'vm.power', '/')).toBe(false);
  });
});

describe('canNow', () => {
  it('answers as can() does whenever it answers, and only leaves VMs whose host grants could matter to can()', async () => {
    const byRoot = setup([{ path: '/', role: 'Auditor' }]);
    const byHost = setup([{ path: '/hosts/h1', role: 'Operator' }]);
    const byVm = setup([{ path: `/vms/${VM_X}`, role: 'Operator' }]);
    for (const { authz, as } of [byRoot, byHost, byVm]) {
      for (const path of ['*', '/', '/hosts/h1', '/hosts/h2', `/vms/${VM_X}`, `/vms/${VM_Y}`, '/hosts/BAD id', '/other']) {
        for (const privilege of ['sys.read', 'vm.power'] as const) {
          const now = authz.canNow(as(), privilege, path);
          if (now !== undefined) expect(now, `${privilege} on ${path}`).toBe(await authz.can(as(), privilege, path));
        }
      }
    }
    expect(byHost.authz.canNow(byHost.as(), 'vm.power', `/vms/${VM_X}`)).toBeUndefined(); // its host must be looked up
    expect(byVm.authz.canNow(byVm.as(), 'vm.power', `/vms/${VM_X}`)).toBe(true);
    expect(byRoot.authz.canNow(null, 'sys.read', '/')).toBe(false);
  });
});
