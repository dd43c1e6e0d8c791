// Shows the dashboard to a signed-in user and the login page to everyone else. On start it
// asks /auth/me; a session without its CSRF token in this browser (signed in elsewhere, or the
// token was cleared) cannot make changes, so it counts as signed out.
import { useEffect, type ReactNode } from 'react';
import { navigate, useLocation } from '../../../lib/router.tsx';
import { sessionStore } from '../../../lib/session-store.ts';
import { useMe } from '../api/get-me.ts';
import { authState, useAuthStatus } from '../session.ts';
import { LoginPage, safeNext } from './login-page.tsx';

export function AuthGate({ children }: { children: ReactNode }) {
  const status = useAuthStatus();
  const location = useLocation();
  const me = useMe(status === 'unknown');

  useEffect(() => {
    if (status !== 'unknown') return;
    if (me.isSuccess) {
      if (sessionStore.csrfToken()) authState.signedIn();
      else authState.signedOut();
    } else if (me.isError) {
      authState.signedOut();
    }
  }, [status, me.isSuccess, me.isError]);

  const onLogin = location.startsWith('/login');
  useEffect(() => {
    if ((status === 'signed-out' || status === 'expired') && !onLogin) {
      navigate(`/login?next=${encodeURIComponent(location)}`, { replace: true });
    } else if (status === 'signed-in' && onLogin) {
      navigate(safeNext(new URLSearchParams(location.split('?')[1] ?? '').get('next')), { replace: true });
    }
  }, [status, onLogin, location]);

  if (status === 'unknown') return <div className="splash" aria-busy="true">Loading Ferry…</div>;
  if (status !== 'signed-in') return <LoginPage expired={status === 'expired'} />;
  if (onLogin) return <div className="splash" aria-busy="true">Signing in…</div>;
  return <>{children}</>;
}
