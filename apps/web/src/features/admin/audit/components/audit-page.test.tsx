import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { AuditEntry } from '@ferry/contract';
import { mockFetch } from '../../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../../testing/render.tsx';
import { AuditPage } from './audit-page.tsx';

beforeEach(() => window.history.replaceState(null, '', '/audit'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const entry = (id: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id, at: '2026-01-01T00:00:00.000Z', userId: 'user0001', username: 'alice', auth: 'session', tokenId: null, sourceIp: '127.0.0.1',
  method: 'POST', route: '/tokens', target: null, status: 201, result: 'success', errorCode: null, durationMs: 3, requestId: 'r', diff: null, ...over,
});

describe('the audit log', () => {
  it('filters by user through the URL and pages through the results', async () => {
    const f = mockFetch({
      'GET /api/v1/audit': (c) => {
        const q = new URL(c.url, 'http://x').searchParams;
        const offset = Number(q.get('offset'));
        return { body: { items: [entry(1000 - offset, { username: q.get('username') ?? 'x' })], total: 120, limit: 50, offset } };
      },
    });
    renderWithClient(<AuditPage />);
    await screen.findByText('1–50 of 120');
    fireEvent.change(screen.getByLabelText('User'), { target: { value: 'alice' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(window.location.search).toBe('?username=alice'));
    fireEvent.click(await screen.findByRole('button', { name: 'Older' }));
    await screen.findByText('51–100 of 120');
    expect(window.location.search).toBe('?username=alice&page=2');
    expect(f.calls.at(-1)!.url).toContain('username=alice');
    expect(f.calls.at(-1)!.url).toContain('offset=50');
  });

  it('renders server strings as text and shows a change set on demand', async () => {
    mockFetch({
      'GET /api/v1/audit': { body: { items: [entry(1, { target: '<img src=x onerror=alert(1)>', diff: { changes: [{ path: '/memoryMiB', before: 512, after: 1024 }] } })], total: 1, limit: 50, offset: 0 } },
    });
    renderWithClient(<AuditPage />);
    const cell = await screen.findByText('<img src=x onerror=alert(1)>');
    expect(cell.querySelector('img')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Changes' }));
    expect(screen.getByRole('list', { name: 'Changes' }).textContent).toContain('/memoryMiB: 512 → 1024');
  });

  it('says so when nothing matches', async () => {
    mockFetch({ 'GET /api/v1/audit': { body: { items: [], total: 0, limit: 50, offset: 0 } } });
    renderWithClient(<AuditPage />);
    await screen.findByText('No entries');
  });
});
