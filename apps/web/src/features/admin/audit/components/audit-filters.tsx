// The audit log's filter form: edits a draft, applies it on submit (Enter in any field).
import { useState, type FormEvent } from 'react';
import { EMPTY_FILTERS, METHODS, type AuditFilters as Filters } from './audit-filters-model.ts';

export function AuditFilters({ value, onApply }: { value: Filters; onApply: (f: Filters) => void }) {
  const [draft, setDraft] = useState(value);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...draft, page: 1 });
  };
  return (
    <form className="toolbar panel" aria-label="Audit log filters" onSubmit={submit} data-testid="audit-filters">
      <label className="field-inline">User <input id="audit-username" value={draft.username} onChange={set('username')} size={12} /></label>
      <label className="field-inline">Action
        <select id="audit-method" value={draft.method} onChange={set('method')}>
          <option value="">any</option>
          {METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </label>
      <label className="field-inline">Route <input id="audit-route" value={draft.route} onChange={set('route')} placeholder="/vms" size={14} /></label>
      <label className="field-inline">Target <input id="audit-target" value={draft.target} onChange={set('target')} placeholder="vm:<uuid>" size={14} /></label>
      <label className="field-inline">Result
        <select id="audit-result" value={draft.result} onChange={set('result')}>
          <option value="">any</option><option value="success">success</option><option value="error">error</option>
        </select>
      </label>
      <label className="field-inline">From <input id="audit-from" type="datetime-local" value={draft.from} onChange={set('from')} /></label>
      <label className="field-inline">To <input id="audit-to" type="datetime-local" value={draft.to} onChange={set('to')} /></label>
      <button type="submit" className="primary" id="audit-apply">Filter</button>
      <button type="button" id="audit-clear" onClick={() => { setDraft(EMPTY_FILTERS); onApply(EMPTY_FILTERS); }}>Clear</button>
    </form>
  );
}
