// Who is signed in, and the way out. A disclosure menu: Escape or a click elsewhere closes it.
import { useEffect, useRef, useState } from 'react';
import { useMe } from '../../features/auth/api/get-me.ts';
import { useLogout } from '../../features/auth/api/logout.ts';
import { UserIcon } from '../../components/icons.tsx';
import { navigate } from '../../lib/router.tsx';

export function UserMenu() {
  const me = useMe();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const signOut = () => {
    setOpen(false);
    navigate('/login', { replace: true });
    logout.mutate();
  };
  const name = me.data?.user.username ?? '…';
  return (
    <div className="user-menu" ref={ref} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" id="user-menu-button" aria-haspopup="true" aria-expanded={open} aria-controls="user-menu" onClick={() => setOpen(!open)}>
        <UserIcon /> <span data-testid="current-user">{name}</span> ▾
      </button>
      {open && (
        <div id="user-menu" className="menu" role="group" aria-label="User">
          <p className="muted">Signed in as <strong>{name}</strong>{me.data ? ` (${me.data.privileges.length} privileges)` : ''}</p>
          <button type="button" id="logout-button" data-testid="logout" onClick={signOut}>Sign out</button>
        </div>
      )}
    </div>
  );
}
