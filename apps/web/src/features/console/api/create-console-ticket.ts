// A console ticket: single use and valid for seconds, so one is asked for right before each
// (re)connect and never cached. The contract has no console route yet (the server side is being
// built beside this), so the request and answer are typed here; they move to
// packages/contract's route table, and this fetcher to `api('…')`, once it does.
import { API_PREFIX, CSRF_HEADER } from '@ferry/contract';
import { ApiError } from '../../../lib/api-error.ts';
import { toApiError } from '../../../lib/api-client.ts';
import { sessionStore } from '../../../lib/session-store.ts';

export type ConsoleKind = 'vnc' | 'serial';

export interface ConsoleTicket {
  ticket: string;
  /** The WebSocket path on this origin, ticket included. */
  path: string;
  expiresAt: string;
}

export async function createConsoleTicket(vmId: string, kind: ConsoleKind, signal?: AbortSignal): Promise<ConsoleTicket> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  const csrf = sessionStore.csrfToken();
  if (csrf) headers[CSRF_HEADER] = csrf;
  let res: Response;
  try {
    res = await fetch(`${API_PREFIX}/vms/${encodeURIComponent(vmId)}/console`, {
      method: 'POST', headers, body: JSON.stringify({ kind }), credentials: 'same-origin', signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError('NETWORK_ERROR', 'Ferry could not be reached', 0);
  }
  // A lost session shows as this error; the next regular call takes the user to sign in.
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as ConsoleTicket;
}
