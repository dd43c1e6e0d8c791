// The CSRF token of this browser's session. Login is the only answer that carries it (the
// server keeps only its hash), so it is kept in localStorage: every tab of the same session
// can make changes, and signing out or a lost session clears it.
const KEY = 'ferry.csrf';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled: the token then lives as long as the page
  }
}

let memory: string | null = null;

export const sessionStore = {
  csrfToken(): string | null {
    return storage()?.getItem(KEY) ?? memory;
  },
  setCsrfToken(token: string): void {
    memory = token;
    storage()?.setItem(KEY, token);
  },
  clear(): void {
    memory = null;
    storage()?.removeItem(KEY);
  },
};
