// The resource tree on the left (Proxmox-style), with a filter box. Keyboard: one tab stop;
// ↑/↓ move, → opens or steps in, ← closes or steps out, Enter opens the item's page.
import { useRef, useState, type KeyboardEvent } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Icon } from '../../components/icons.tsx';
import { HostStateIcon, VmStateIcon } from '../../components/state-icon.tsx';
import { navigate, useLocation } from '../../lib/router.tsx';
import { useHosts } from '../../features/hosts/api/get-hosts.ts';
import { networksQueryOptions } from '../../features/networks/api/get-networks.ts';
import { poolsQueryOptions } from '../../features/storage/api/get-pools.ts';
import { useVms } from '../../features/vms/api/get-vms.ts';
import { visibleRows, type TreeRow } from './tree-model.ts';

const ROW = 26;

export function ResourceTree() {
  const hosts = useHosts();
  const vms = useVms();
  const hostIds = (hosts.data ?? []).map((h) => h.id);
  const pools = useQueries({ queries: hostIds.map((id) => poolsQueryOptions(id)) });
  const nets = useQueries({ queries: hostIds.map((id) => networksQueryOptions(id)) });
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const location = useLocation();
  const path = location.split('?')[0];

  // Rebuilt on every render: for 1,000 VMs that is about a millisecond.
  const rows = visibleRows({
    hosts: hosts.data ?? [], vms: vms.data ?? [],
    pools: new Map(hostIds.map((id, i) => [id, pools[i]?.data ?? []])),
    networks: new Map(hostIds.map((id, i) => [id, nets[i]?.data ?? []])),
  }, collapsed, filter);

  // The row of this page, else of the page above it (a VM's tab: the VM). Exact first: the
  // Storage group's /storage/h1 is above its pools' /storage/h1/<pool>.
  const exact = rows.findIndex((r) => r.to === path);
  const current = exact >= 0 ? exact : rows.findIndex((r) => r.to !== null && r.to !== '/' && path?.startsWith(`${r.to}/`));
  const [focus, setFocus] = useState<number | null>(null);
  const active = Math.min(focus ?? (current >= 0 ? current : 0), rows.length - 1);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 15, initialRect: { width: 280, height: 600 } });

  const toggle = (row: TreeRow) => setCollapsed((c) => {
    const next = new Set(c);
    if (next.has(row.id)) next.delete(row.id);
    else next.add(row.id);
    return next;
  });
  const moveTo = (i: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, i));
    setFocus(clamped);
    virtualizer.scrollToIndex(clamped);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${clamped}"]`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const row = rows[active];
    if (!row) return;
    const parent = () => rows.slice(0, active).findLastIndex((r) => r.level === row.level - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      ArrowRight: () => (row.expandable && !row.expanded ? toggle(row) : row.expanded ? moveTo(active + 1) : undefined),
      ArrowLeft: () => (row.expanded ? toggle(row) : moveTo(parent())),
      Enter: () => (row.to ? navigate(row.to) : toggle(row)),
    };
    const act = keys[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  return (
    <nav className="sidebar" aria-label="Resources">
      <label className="tree-filter">
        <span className="sr-only">Filter resources</span>
        <input type="search" id="tree-filter" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <div ref={scrollRef} className="tree-scroll">
        <div role="tree" aria-label="Datacenter" className="tree" data-testid="resource-tree" onKeyDown={onKeyDown}
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const selected = item.index === current;
            return (
              <div key={row.key} role="treeitem" aria-level={row.level} aria-selected={selected}
                aria-expanded={row.expandable ? row.expanded : undefined} tabIndex={item.index === active ? 0 : -1}
                data-index={item.index} data-testid="tree-item" data-tree-id={row.id} data-state={row.vmState ?? row.hostState}
                className={`tree-row${selected ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)`, paddingLeft: (row.level - 1) * 14 + 4 }}
                onClick={() => { setFocus(item.index); if (row.to) navigate(row.to); else toggle(row); }}>
                {row.expandable ? (
                  <button type="button" tabIndex={-1} className="twisty" aria-hidden="true" onClick={(e) => { e.stopPropagation(); toggle(row); }}>
                    {row.expanded ? '▾' : '▸'}
                  </button>
                ) : <span className="twisty" />}
                <Icon name={row.icon} />
                {row.vmState && <VmStateIcon state={row.vmState} />}
                {row.hostState && <HostStateIcon state={row.hostState} />}
                <span className="tree-label">{row.label}</span>
              </div>
            );
          })}
        </div>
      </div>
    </nav>
  );
}
