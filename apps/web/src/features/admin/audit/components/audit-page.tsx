// The audit log, newest first: filters (user, action, route, target, result, time range) kept in
// the URL (/audit?username=…), pages of 50, and each entry's configuration diff on demand. Every string from the
// server is rendered as text.
import { useState } from 'react';
import type { AuditEntry } from '@ferry/contract';
import { EmptyState } from '../../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { navigate, useLocation } from '../../../../lib/router.tsx';
import { ADMIN_PATHS } from '../../admin-access.ts';
import { SECTION } from '../../section-style.ts';
import { useAudit } from '../api/get-audit.ts';
import { AuditDiff } from './audit-diff.tsx';
import { AuditFilters } from './audit-filters.tsx';
import { filtersFromSearch, PAGE_SIZE, queryFromFilters, searchFromFilters, type AuditFilters as Filters } from './audit-filters-model.ts';

function Row({ e }: { e: AuditEntry }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="audit-row" data-route={e.route} data-method={e.method} data-result={e.result} data-username={e.username ?? ''}>
        <td>{new Date(e.at).toLocaleString()}</td>
        <td>{e.username ?? <span className="muted">anonymous</span>}{e.auth === 'token' && <span className="chip">token</span>}</td>
        <td><code>{e.method} {e.route}</code></td>
        <td>{e.target ?? '—'}</td>
        <td className={e.result === 'error' ? 'warn' : undefined}>{e.status || ''} {e.result}{e.errorCode && <> <code className="error-code">{e.errorCode}</code></>}</td>
        <td>{e.sourceIp ?? '—'}</td>
        <td>{e.diff && <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'Hide' : 'Changes'}</button>}</td>
      </tr>
      {open && e.diff && <tr><td colSpan={7}><AuditDiff diff={e.diff} /></td></tr>}
    </>
  );
}

export function AuditPage() {
  const location = useLocation();
  const search = location.includes('?') ? location.slice(location.indexOf('?')) : '';
  const filters = filtersFromSearch(search);
  const audit = useAudit(queryFromFilters(filters));
  const go = (f: Filters) => navigate(`${ADMIN_PATHS.audit}${searchFromFilters(f)}`);
  const total = audit.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = total === 0 ? 0 : (filters.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, filters.page * PAGE_SIZE);
  return (
    <div style={SECTION} data-testid="audit-page">
      <AuditFilters key={search} value={filters} onApply={go} />
      <ErrorMessage error={audit.error} />
      {audit.data && total === 0 && <EmptyState title="No entries"><p>Nothing in the audit log matches these filters.</p></EmptyState>}
      {audit.data && total > 0 && (
        <>
          <table className="table" aria-label="Audit log" aria-busy={audit.isPlaceholderData}>
            <thead><tr><th>When</th><th>User</th><th>Action</th><th>Target</th><th>Result</th><th>From</th><th><span className="sr-only">Details</span></th></tr></thead>
            <tbody>{audit.data.items.map((e) => <Row key={e.id} e={e} />)}</tbody>
          </table>
          <nav className="toolbar" aria-label="Audit log pages">
            <button type="button" id="audit-prev" disabled={filters.page <= 1} onClick={() => go({ ...filters, page: filters.page - 1 })}>Newer</button>
            <span data-testid="audit-range">{first}–{last} of {total}</span>
            <button type="button" id="audit-next" disabled={filters.page >= pages} onClick={() => go({ ...filters, page: filters.page + 1 })}>Older</button>
          </nav>
        </>
      )}
    </div>
  );
}
