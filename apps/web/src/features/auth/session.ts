// Where the dashboard stands with its session: unknown (asking /auth/me), signed in, signed
// out, or expired (a call found the session gone — the login page says so, and brings the
// user back to the page they were on).
import { useSyncExternalStore } from 'react';
import { setSessionLostListener } from '../../lib/api-client.ts';
import { sessionStore } from '../../lib/session-store.ts';

export type AuthStatus = 'unknown' | 'signed-in' | 'signed-out' | 'expired';

// With a CSRF token from an earlier sign-in, start as signed in: the dashboard's first
// requests go out at once, beside /auth/me, and a session that has ended meanwhile shows as
// expired (their 401 says so). Without one, ask /auth/me first.
let status: AuthStatus = sessionStore.csrfToken() ? 'signed-in' : 'unknown';
const listeners = new Set<() => void>();

function set(next: AuthStatus): void {
  if (next === status) return;
  status = next;
  for (const l of listeners) l();
}

export const authState = {
  get: () => status,
  /** Forget what is known: the next render asks /auth/me again (a fresh start; tests). */
  reset: () => set('unknown'),
  signedIn: () => set('signed-in'),
  signedOut: () => set('signed-out'),
  /** The server no longer knows this session (401, or a CSRF token that no longer matches). */
  expired: () => {
    sessionStore.clear();
    set(status === 'signed-in' ? 'expired' : 'signed-out');
  },
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

setSessionLostListener(() => authState.expired());

export function useAuthStatus(): AuthStatus {
  return useSyncExternalStore(authState.subscribe, authState.get, authState.get);
}
