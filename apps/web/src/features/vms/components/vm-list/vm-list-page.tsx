// All VMs: filter, sort, select, act on many at once.
import { useCallback, useMemo, useState } from 'react';
import { EmptyState } from '../../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { useHosts } from '../../../hosts/api/get-hosts.ts';
import { useVms } from '../../api/get-vms.ts';
import { openCreateWizard } from '../create-wizard/wizard-store.ts';
import { BulkBar } from './bulk-bar.tsx';
import { VmFilters } from './vm-filters.tsx';
import { allTags, EMPTY_FILTER, filterVms, sortVms, type Sort, type SortKey, type VmFilter } from './vm-list-model.ts';
import { VmTable } from './vm-table.tsx';

export function VmListPage() {
  const vms = useVms();
  const hosts = useHosts();
  const [filter, setFilter] = useState<VmFilter>(EMPTY_FILTER);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const all = vms.data;
  const shown = useMemo(() => (all ? sortVms(filterVms(all, filter), sort) : []), [all, filter, sort]);
  const tags = useMemo(() => (all ? allTags(all) : []), [all]);
  const hostNames = useMemo(() => new Map((hosts.data ?? []).map((h) => [h.id, h.name])), [hosts.data]);
  const selectedVms = useMemo(() => (all ?? []).filter((v) => selected.has(v.id)), [all, selected]);

  const onSort = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
  const onSelect = useCallback((ids: string[], on: boolean) => setSelected((s) => {
    const next = new Set(s);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    return next;
  }), []);

  return (
    <section className="page page-fill" aria-labelledby="vm-list-title">
      <header className="page-header">
        <h1 id="vm-list-title">Virtual machines</h1>
        <span className="muted" data-testid="vm-count">{all ? `${shown.length} of ${all.length}` : ''}</span>
      </header>
      <VmFilters filter={filter} onChange={setFilter} hosts={hosts.data ?? []} tags={tags} />
      {selectedVms.length > 0 && <BulkBar selected={selectedVms} onClear={() => setSelected(new Set())} />}
      <ErrorMessage error={vms.error} title="Could not list VMs" />
      {vms.isPending && <p className="muted" aria-busy="true">Loading VMs…</p>}
      {all && all.length === 0 && (
        <EmptyState title="No virtual machines yet">
          <p>Create the first one: a name is all it takes.</p>
          <button type="button" className="primary" onClick={() => openCreateWizard()}>Create VM</button>
        </EmptyState>
      )}
      {all && all.length > 0 && <VmTable vms={shown} sort={sort} onSort={onSort} selected={selected} onSelect={onSelect} hostNames={hostNames} />}
    </section>
  );
}
