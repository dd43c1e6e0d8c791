// The Administration area: a tab per section the caller may open (users, grants and the audit
// log are hidden from those without the privilege; everyone has their API tokens).
import type { ReactNode } from 'react';
import { EmptyState } from '../../../components/empty-state.tsx';
import { Tabs, type TabDef } from '../../../components/tabs.tsx';
import { ADMIN_PATHS, mayOpen, useAdminAccess, type AdminSection } from '../admin-access.ts';
import { AuditPage } from '../audit/components/audit-page.tsx';
import { GrantsPage } from '../grants/components/grants-page.tsx';
import { TokensPage } from '../tokens/components/tokens-page.tsx';
import { UsersPage } from '../users/components/users-page.tsx';

const SECTIONS: readonly { id: AdminSection; label: string }[] = [
  { id: 'users', label: 'Users' },
  { id: 'grants', label: 'Permissions' },
  { id: 'tokens', label: 'API tokens' },
  { id: 'audit', label: 'Audit log' },
];

const PAGES: Record<AdminSection, () => ReactNode> = {
  users: () => <UsersPage />,
  grants: () => <GrantsPage />,
  tokens: () => <TokensPage />,
  audit: () => <AuditPage />,
};

export function AdminArea({ section }: { section: AdminSection }) {
  const access = useAdminAccess();
  const tabs: TabDef[] = SECTIONS.filter((s) => mayOpen(access, s.id)).map((s) => ({ id: s.id, label: s.label, to: ADMIN_PATHS[s.id] }));
  return (
    <section className="page" aria-labelledby="admin-title" data-testid="admin-area">
      <header className="page-header"><h1 id="admin-title">Administration</h1></header>
      <Tabs tabs={tabs} active={section} label="Administration sections" />
      <div className="tab-panel" role="tabpanel" aria-labelledby={`tab-${section}`}>
        {!access.loaded ? <p className="muted">Loading…</p>
          : mayOpen(access, section) ? PAGES[section]()
            : (
              <EmptyState title="Not available to you">
                <p>This section needs a privilege your account does not hold on <code>/</code>. Ask an administrator.</p>
              </EmptyState>
            )}
      </div>
    </section>
  );
}
