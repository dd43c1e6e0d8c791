// Sign in. After an expired session the page says so and, once signed in again, goes back to
// the page the user was on (`?next=`).
import { useState, type FormEvent } from 'react';
import { Logo } from '../../../components/icons.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { useLogin } from '../api/login.ts';

/** Only same-site paths: `next` comes from the URL, so it must not send anyone elsewhere. */
export function safeNext(raw: string | null): string {
  return raw && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/login') ? raw : '/';
}

export function LoginPage({ expired }: { expired: boolean }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) return;
    // Where to go next is the auth gate's business, once the session is known to work.
    login.mutate({ username, password });
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title" data-testid="login-form">
        <h1 id="login-title"><Logo size={28} /> Ferry</h1>
        {expired && <p className="notice" role="status" data-testid="session-expired">Your session ended. Sign in again to continue where you were.</p>}
        <label htmlFor="login-username">Username</label>
        <input id="login-username" name="username" autoComplete="username" autoFocus required
          value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={login.error} />
        <button type="submit" className="primary" id="login-submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
