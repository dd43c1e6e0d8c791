// Tabs as links (each tab has its own URL), in a tablist that arrow keys move through.
import type { KeyboardEvent } from 'react';
import { Link } from '../lib/router.tsx';

export interface TabDef {
  id: string;
  label: string;
  to: string;
}

export function Tabs({ tabs, active, label }: { tabs: TabDef[]; active: string; label: string }) {
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>('[role="tab"]')];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[(i + (e.key === 'ArrowRight' ? 1 : links.length - 1)) % links.length];
    next?.focus();
    e.preventDefault();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <Link key={t.id} to={t.to} role="tab" id={`tab-${t.id}`} data-testid={`tab-${t.id}`}
          aria-selected={t.id === active} tabIndex={t.id === active ? 0 : -1} className={t.id === active ? 'tab active' : 'tab'}>
          {t.label}
        </Link>
      ))}
    </div>
  );
}
