import { VM_STATES, type Host } from '@ferry/contract';
import type { VmFilter } from './vm-list-model.ts';

interface VmFiltersProps {
  filter: VmFilter;
  onChange: (f: VmFilter) => void;
  hosts: readonly Host[];
  tags: readonly string[];
}

export function VmFilters({ filter, onChange, hosts, tags }: VmFiltersProps) {
  const set = <K extends keyof VmFilter>(k: K, v: VmFilter[K]) => onChange({ ...filter, [k]: v });
  return (
    <div className="toolbar filters" role="search" aria-label="Filter VMs">
      <label className="field-inline">
        <span className="sr-only">Search VMs</span>
        <input type="search" id="vm-filter-text" placeholder="Name, IP or tag" value={filter.text}
          onChange={(e) => set('text', e.target.value)} />
      </label>
      <label className="field-inline">
        State
        <select id="vm-filter-state" value={filter.state} onChange={(e) => set('state', e.target.value as VmFilter['state'])}>
          <option value="">any</option>
          {VM_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      {hosts.length > 1 && (
        <label className="field-inline">
          Host
          <select id="vm-filter-host" value={filter.hostId} onChange={(e) => set('hostId', e.target.value)}>
            <option value="">any</option>
            {hosts.map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
          </select>
        </label>
      )}
      {tags.length > 0 && (
        <label className="field-inline">
          Tag
          <select id="vm-filter-tag" value={filter.tag} onChange={(e) => set('tag', e.target.value)}>
            <option value="">any</option>
            {tags.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
      )}
      <label className="field-inline">
        <input type="checkbox" id="vm-filter-templates" checked={filter.templates} onChange={(e) => set('templates', e.target.checked)} />
        Templates
      </label>
    </div>
  );
}
