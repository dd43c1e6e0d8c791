// A console ticket: single use and valid for seconds, so one is asked for right before each
// (re)connect and never cached.
import type { ConsoleKind, ConsoleTicket } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';

export const createConsoleTicket = (vmId: string, kind: ConsoleKind, signal?: AbortSignal): Promise<ConsoleTicket> =>
  api('openConsole', { params: { vmId }, body: { kind } }, { signal });
