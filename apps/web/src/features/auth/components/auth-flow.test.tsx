// Signing in, and the session ending under the user's feet: back to login, then back to the page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { api } from '../../../lib/api-client.ts';
import { navigate } from '../../../lib/router.tsx';
import { sessionStore } from '../../../lib/session-store.ts';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { authState } from '../session.ts';
import { AuthGate } from './auth-gate.tsx';

const ME = { user: { id: 'user0001', username: 'admin', disabled: false, createdAt: '', updatedAt: '' }, via: 'session', grants: [], privileges: ['sys.read'] };

beforeEach(() => {
  sessionStore.clear();
  authState.reset();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the auth gate', () => {
  it('shows the login form to a visitor without a session, and signs in with username and password', async () => {
    const f = mockFetch({
      'GET /api/v1/auth/me': () => (sessionStore.csrfToken() ? { body: ME } : apiError(401, 'UNAUTHENTICATED', 'authentication required')),
      'POST /api/v1/auth/login': { body: { csrfToken: 'tok-1', user: ME.user } },
    });
    navigate('/vms');
    renderWithClient(<AuthGate><p>dashboard</p></AuthGate>);
    await screen.findByLabelText('Username');
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe('/login?next=%2Fvms'));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret-pass' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('dashboard');
    expect(f.called('POST', '/api/v1/auth/login')[0]!.body).toEqual({ username: 'admin', password: 'secret-pass' });
    expect(sessionStore.csrfToken()).toBe('tok-1');
    expect(window.location.pathname).toBe('/vms');
  });

  it('shows a refused login by its code and message', async () => {
    mockFetch({
      'GET /api/v1/auth/me': apiError(401, 'UNAUTHENTICATED', 'authentication required'),
      'POST /api/v1/auth/login': apiError(429, 'RATE_LIMITED', 'too many failed sign-ins; try again in 60 s'),
    });
    renderWithClient(<AuthGate><p>dashboard</p></AuthGate>);
    fireEvent.change(await screen.findByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('RATE_LIMITED');
    expect(alert.textContent).toContain('too many failed sign-ins');
  });

  it('sends an expired session back to login, saying so, then back to the page it was on', async () => {
    sessionStore.setCsrfToken('tok-old');
    let expired = false;
    mockFetch({
      'GET /api/v1/auth/me': () => (expired ? apiError(401, 'UNAUTHENTICATED', 'authentication required') : { body: ME }),
      'GET /api/v1/hosts': apiError(401, 'UNAUTHENTICATED', 'authentication required'),
      'POST /api/v1/auth/login': () => {
        expired = false;
        return { body: { csrfToken: 'tok-new', user: ME.user } };
      },
    });
    authState.signedIn();
    navigate('/vms/abc/hardware');
    renderWithClient(<AuthGate><p>dashboard</p></AuthGate>);
    await screen.findByText('dashboard');
    expired = true;
    await act(async () => {
      await api('listHosts', {}).catch(() => {});
    });
    await screen.findByTestId('session-expired');
    expect(window.location.pathname + window.location.search).toBe('/login?next=%2Fvms%2Fabc%2Fhardware');
    expect(sessionStore.csrfToken()).toBeNull();
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret-pass' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('dashboard');
    expect(window.location.pathname).toBe('/vms/abc/hardware');
  });
});
