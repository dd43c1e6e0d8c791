import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Role } from '@ferry/contract';
import { apiError, mockFetch } from '../../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { meWith, token } from '../../admin-fixtures.ts';
import { TokensPage } from './tokens-page.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const SECRET = 'ferry_s3cr3t-value-shown-once';

function setup(role: Role | null) {
  let tokens = [token({ name: 'old-script' })];
  const f = mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/tokens': () => ({ body: { items: tokens } }),
    'POST /api/v1/tokens': (c) => {
      const b = c.body as { name: string; role: Role; expiresAt?: string };
      const t = token({ id: 'token002', name: b.name, role: b.role, expiresAt: b.expiresAt ?? null });
      tokens = [...tokens, t];
      return { status: 201, body: { ...t, secret: SECRET } };
    },
    'DELETE /api/v1/tokens/token001': () => { tokens = tokens.filter((t) => t.id !== 'token001'); return { status: 204 }; },
  });
  const r = renderWithClient(<TokensPage />);
  return { f, ...r };
}

const roleOptions = () => within(screen.getByLabelText('Role')).getAllByRole('option').map((o) => o.textContent);

describe('API tokens', () => {
  it('shows the secret once, with a warning and a copy button, and never again after the dialog closes', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { f, qc } = setup('Administrator');
    await screen.findByText('old-script');
    fireEvent.click(screen.getByRole('button', { name: 'New API token' }));
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'backup' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'Auditor' } });
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: 'never' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const dialog = await screen.findByTestId('token-secret-dialog');
    expect(f.called('POST', '/api/v1/tokens')[0]!.body).toEqual({ name: 'backup', role: 'Auditor' });
    expect((screen.getByTestId('token-secret') as HTMLInputElement).value).toBe(SECRET);
    expect(within(dialog).getByRole('alert').textContent).toMatch(/will not be shown again/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    await within(dialog).findByText('Copied.');

    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    await waitFor(() => expect(screen.queryByTestId('token-secret-dialog')).toBeNull());
    await screen.findByText('backup');
    // Gone from the page and from every cache the app keeps.
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(JSON.stringify(qc.getQueryCache().getAll().map((q) => q.state.data))).not.toContain(SECRET);
    await waitFor(() => expect(JSON.stringify(qc.getMutationCache().getAll().map((m) => m.state.data))).not.toContain(SECRET));
  });

  it('asks before an Escape throws away a secret that was not copied', async () => {
    setup('Operator');
    fireEvent.click(await screen.findByRole('button', { name: 'New API token' }));
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByTestId('token-secret-dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.getByTestId('token-secret-leaving').textContent).toContain('gone for good');
    fireEvent.click(screen.getByRole('button', { name: 'Stay' }));
    expect((screen.getByTestId('token-secret') as HTMLInputElement).value).toBe(SECRET);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Close without copying' }));
    await waitFor(() => expect(screen.queryByTestId('token-secret-dialog')).toBeNull());
  });

  it('offers no role above the caller\'s own highest', async () => {
    setup('Operator');
    fireEvent.click(await screen.findByRole('button', { name: 'New API token' }));
    await screen.findByLabelText('Role');
    await waitFor(() => expect(roleOptions()).toEqual(['Operator', 'Auditor']));
    cleanup();
    setup('Auditor');
    fireEvent.click(await screen.findByRole('button', { name: 'New API token' }));
    await waitFor(() => expect(roleOptions()).toEqual(['Auditor']));
  });

  it('sends a chosen expiry as a timestamp in the future and refuses a past date', async () => {
    const { f } = setup('Administrator');
    fireEvent.click(await screen.findByRole('button', { name: 'New API token' }));
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'nightly' } });
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: 'date' } });
    fireEvent.change(screen.getByLabelText('Expiry date'), { target: { value: '2001-01-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByText('must be in the future');
    expect(f.called('POST', '/api/v1/tokens')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByTestId('token-secret-dialog');
    const body = f.called('POST', '/api/v1/tokens')[0]!.body as { expiresAt: string; role: string };
    expect(body.role).toBe('Administrator');
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('revokes a token only after asking, and shows a refusal by its code', async () => {
    const { f } = setup('Operator');
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke old-script' }));
    expect(f.called('DELETE', '/api/v1/tokens/token001')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(screen.queryByText('old-script')).toBeNull());
    await screen.findByText('No API tokens');
  });

  it('shows a server refusal of a token by its code and message', async () => {
    mockFetch({
      'GET /api/v1/auth/me': { body: meWith('Operator') },
      'GET /api/v1/tokens': { body: { items: [] } },
      'POST /api/v1/tokens': apiError(403, 'FORBIDDEN', "a token's role cannot be above yours (Operator)"),
    });
    renderWithClient(<TokensPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'New API token' }));
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const alert = await screen.findByTestId('error-message');
    expect(alert.dataset.code).toBe('FORBIDDEN');
    expect(alert.textContent).toContain('cannot be above yours');
  });
});
