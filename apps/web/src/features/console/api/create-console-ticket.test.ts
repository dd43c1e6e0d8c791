import { afterEach, describe, expect, it, vi } from 'vitest';
import { CSRF_HEADER } from '@ferry/contract';
import { sessionStore } from '../../../lib/session-store.ts';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { createConsoleTicket } from './create-console-ticket.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStore.clear();
});

const VM = '6f1c1e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('a console ticket', () => {
  it('is asked for with the kind and the CSRF token', async () => {
    sessionStore.setCsrfToken('tok-1');
    const answer = { ticket: 't', path: `/api/v1/vms/${VM}/console/serial?ticket=t`, expiresAt: '2026-01-01T00:00:30.000Z' };
    const f = mockFetch({ [`POST /api/v1/vms/${VM}/console`]: { body: answer } });
    await expect(createConsoleTicket(VM, 'serial')).resolves.toEqual(answer);
    expect(f.calls[0]!.body).toEqual({ kind: 'serial' });
    expect(f.calls[0]!.headers[CSRF_HEADER]).toBe('tok-1');
  });

  it('fails with the server\'s error code and message', async () => {
    mockFetch({ [`POST /api/v1/vms/${VM}/console`]: apiError(409, 'CONSOLE_UNAVAILABLE', 'the VM has no VNC display') });
    await expect(createConsoleTicket(VM, 'vnc')).rejects.toMatchObject({ code: 'CONSOLE_UNAVAILABLE', message: 'the VM has no VNC display', status: 409 });
  });
});
