// A ConsoleConnection for a component's lifetime: connects on mount, closes on unmount, and
// `reconnect` starts over with a new ticket.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleKind } from '@ferry/contract';
import { createConsoleTicket } from '../api/create-console-ticket.ts';
import { ConsoleConnection, type AttachViewer, type ConsoleStatus } from './console-connection.ts';

export function useConsoleConnection(vmId: string, kind: ConsoleKind, attach: AttachViewer) {
  const [status, setStatus] = useState<ConsoleStatus>({ state: 'connecting' });
  const conn = useRef<ConsoleConnection | null>(null);
  // The viewer callback may be a fresh closure each render; the connection calls the latest.
  const attachRef = useRef(attach);
  attachRef.current = attach;

  useEffect(() => {
    const c = new ConsoleConnection({
      vmId, kind, requestTicket: createConsoleTicket, onStatus: setStatus,
      attach: (ws, report) => attachRef.current(ws, report),
    });
    conn.current = c;
    c.connect();
    return () => {
      c.close();
      conn.current = null;
    };
  }, [vmId, kind]);

  const reconnect = useCallback(() => conn.current?.connect(), []);
  return { status, reconnect };
}
