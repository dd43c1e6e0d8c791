// The VM table: rows are virtualized (only those in view are in the DOM), so 1,000 VMs cost
// what 30 do. Headers sort; checkboxes select for bulk actions.
import { memo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { VmSummary } from '@ferry/contract';
import { VmStateBadge } from '../../../../components/state-icon.tsx';
import { formatDuration, formatMiB } from '../../../../lib/format-units.ts';
import { Link } from '../../../../lib/router.tsx';
import type { Sort, SortKey } from './vm-list-model.ts';

const ROW_HEIGHT = 34;

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'name', label: 'Name' }, { key: 'state', label: 'State' }, { key: 'hostId', label: 'Host' },
  { key: 'vcpus', label: 'vCPUs' }, { key: 'memoryMiB', label: 'Memory' }, { key: null, label: 'IP addresses' },
  { key: null, label: 'Tags' }, { key: 'uptimeS', label: 'Uptime' },
];

interface VmTableProps {
  vms: readonly VmSummary[];
  sort: Sort;
  onSort: (key: SortKey) => void;
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], on: boolean) => void;
  hostNames: ReadonlyMap<string, string>;
}

interface VmRowProps {
  vm: VmSummary;
  index: number;
  start: number;
  selected: boolean;
  hostName: string;
  onSelect: (ids: string[], on: boolean) => void;
}

// Memoized: while scrolling, only rows coming into view render; a state change re-renders one row.
const VmRow = memo(function VmRow({ vm, index, start, selected, hostName, onSelect }: VmRowProps) {
  return (
    <div role="row" className={`vm-row${selected ? ' selected' : ''}`} aria-rowindex={index + 2}
      data-testid="vm-row" data-vm-id={vm.id} data-vm-name={vm.name} data-state={vm.state}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${start}px)` }}>
      <div role="cell" className="cell-check">
        <input type="checkbox" aria-label={`Select ${vm.name}`} checked={selected} onChange={(e) => onSelect([vm.id], e.target.checked)} />
      </div>
      <div role="cell" className="cell-name">
        <Link to={`/vms/${vm.id}`}>{vm.name}</Link>
        {vm.template && <span className="chip">template</span>}
        {vm.stale && <span className="chip chip-warn" title="The host is not connected: last known state">stale</span>}
      </div>
      <div role="cell"><VmStateBadge state={vm.state} testId="vm-row-state" /></div>
      <div role="cell">{hostName}</div>
      <div role="cell" className="num">{vm.vcpus}</div>
      <div role="cell" className="num">{formatMiB(vm.memoryMiB)}</div>
      <div role="cell" className="cell-ips" title={vm.ips.join(', ')}>{vm.ips[0] ?? '—'}{vm.ips.length > 1 ? ` +${vm.ips.length - 1}` : ''}</div>
      <div role="cell" className="cell-tags">{vm.tags.map((t) => <span key={t} className="chip">{t}</span>)}</div>
      <div role="cell" className="num">{vm.state === 'running' ? formatDuration(vm.uptimeS) : '—'}</div>
    </div>
  );
});

export function VmTable({ vms, sort, onSort, selected, onSelect, hostNames }: VmTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: vms.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });
  const allSelected = vms.length > 0 && vms.every((v) => selected.has(v.id));

  return (
    <div className="vm-table" role="table" aria-label="Virtual machines" aria-rowcount={vms.length + 1} data-testid="vm-table">
      <div role="rowgroup">
        <div role="row" className="vm-row vm-head" aria-rowindex={1}>
          <div role="columnheader" className="cell-check">
            <input type="checkbox" id="vm-select-all" aria-label="Select all shown VMs" checked={allSelected}
              onChange={(e) => onSelect(vms.map((v) => v.id), e.target.checked)} />
          </div>
          {COLUMNS.map((c) => (
            <div key={c.label} role="columnheader" aria-sort={c.key && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
              {c.key ? (
                <button type="button" className="sort-button" data-testid={`sort-${c.key}`} onClick={() => onSort(c.key!)}>
                  {c.label}{sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              ) : c.label}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="vm-table-body" role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const vm = vms[item.index]!;
            return (
              <VmRow key={vm.id} vm={vm} index={item.index} start={item.start} selected={selected.has(vm.id)}
                hostName={hostNames.get(vm.hostId) ?? vm.hostId} onSelect={onSelect} />
            );
          })}
        </div>
      </div>
    </div>
  );
}
