// A grant's path in words: `/` is everything, `/hosts/<id>` a host and its VMs, `/vms/<uuid>`
// one VM (named when the VM is known; the path itself otherwise).
import type { Host, VmSummary } from '@ferry/contract';

export type ScopeKind = 'all' | 'host' | 'vm';

export function pathFor(kind: ScopeKind, id: string): string {
  if (kind === 'all') return '/';
  return kind === 'host' ? `/hosts/${id}` : `/vms/${id}`;
}

export function describePath(path: string, hosts: readonly Host[] | undefined, vms: readonly VmSummary[] | undefined): string {
  if (path === '/') return 'everything';
  if (path.startsWith('/hosts/')) {
    const id = path.slice(7);
    return `host ${hosts?.find((h) => h.id === id)?.name ?? id}`;
  }
  if (path.startsWith('/vms/')) {
    const id = path.slice(5);
    const vm = vms?.find((v) => v.id === id);
    return vm ? `VM ${vm.name}` : `VM ${id}`;
  }
  return path;
}
