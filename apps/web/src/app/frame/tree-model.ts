// The resource tree as a flat list of visible rows (so it can be virtualized like the VM
// list): Datacenter → hosts → their VMs and templates, storage pools and networks (each group
// opens its list page, where new ones are made). The filter keeps rows whose name matches and
// the rows above them; while filtering every group is open.
import type { Host, HostState, Network, StoragePool, VmState, VmSummary } from '@ferry/contract';
import type { IconName } from '../../components/icons.tsx';

export interface TreeRow {
  id: string;
  /** Unique among the rows: the path of ids from the top. A VM being migrated is listed on
   * both hosts for a moment, under the same id. */
  key: string;
  level: number;
  label: string;
  to: string | null;
  icon: IconName;
  vmState?: VmState;
  hostState?: HostState;
  /** Children exist: the row can open and close. */
  expandable: boolean;
  expanded: boolean;
}

export interface TreeData {
  hosts: readonly Host[];
  vms: readonly VmSummary[];
  pools: ReadonlyMap<string, readonly StoragePool[]>;
  networks: ReadonlyMap<string, readonly Network[]>;
}

interface Node extends Omit<TreeRow, 'key' | 'level' | 'expanded'> {
  children: Node[];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byLabel = (a: { label: string }, b: { label: string }) => collator.compare(a.label, b.label);

function build(d: TreeData): Node {
  const vmsByHost = new Map<string, VmSummary[]>();
  for (const vm of d.vms) vmsByHost.set(vm.hostId, [...(vmsByHost.get(vm.hostId) ?? []), vm]);
  const hostNodes = d.hosts.map((h): Node => {
    const vms = (vmsByHost.get(h.id) ?? []).map((vm): Node => ({
      id: `vm:${vm.id}`, label: vm.name, to: `/vms/${vm.id}`, icon: vm.template ? 'template' : 'vm',
      vmState: vm.template ? undefined : vm.state, expandable: false, children: [],
    }));
    // VMs first, then templates, each by name.
    vms.sort((a, b) => Number(a.icon === 'template') - Number(b.icon === 'template') || byLabel(a, b));
    const pools = (d.pools.get(h.id) ?? []).map((p): Node => ({
      id: `pool:${h.id}/${p.name}`, label: p.name, to: `/storage/${h.id}/${encodeURIComponent(p.name)}`, icon: 'storage', expandable: false, children: [],
    })).sort(byLabel);
    const nets = (d.networks.get(h.id) ?? []).map((n): Node => ({
      id: `net:${h.id}/${n.name}`, label: n.name, to: `/networks/${h.id}/${encodeURIComponent(n.name)}`, icon: 'network', expandable: false, children: [],
    })).sort(byLabel);
    const groups: Node[] = [
      { id: `storage:${h.id}`, label: 'Storage', to: `/storage/${h.id}`, icon: 'storage', expandable: pools.length > 0, children: pools },
      { id: `networks:${h.id}`, label: 'Networks', to: `/networks/${h.id}`, icon: 'network', expandable: nets.length > 0, children: nets },
    ];
    return { id: `host:${h.id}`, label: h.name, to: `/hosts/${h.id}`, icon: 'host', hostState: h.state, expandable: true, children: [...vms, ...groups] };
  });
  return { id: 'dc', label: 'Datacenter', to: '/', icon: 'datacenter', expandable: true, children: hostNodes };
}

/** Keeps nodes that match, and their ancestors; groups without matching children go. */
function prune(n: Node, text: string): Node | null {
  const children = n.children.map((c) => prune(c, text)).filter((c): c is Node => c !== null);
  if (children.length > 0) return { ...n, children };
  return n.to !== null && n.label.toLowerCase().includes(text) ? { ...n, children: [] } : null;
}

export function visibleRows(d: TreeData, collapsed: ReadonlySet<string>, filter: string): TreeRow[] {
  const text = filter.trim().toLowerCase();
  const root = text ? prune(build(d), text) : build(d);
  const rows: TreeRow[] = [];
  const walk = (n: Node, level: number, parentKey: string) => {
    const expanded = n.children.length > 0 && (text !== '' || !collapsed.has(n.id));
    const key = `${parentKey}/${n.id}`;
    rows.push({ id: n.id, key, level, label: n.label, to: n.to, icon: n.icon, vmState: n.vmState, hostState: n.hostState, expandable: n.children.length > 0, expanded });
    if (expanded) for (const c of n.children) walk(c, level + 1, key);
  };
  if (root) walk(root, 1, '');
  return rows;
}
