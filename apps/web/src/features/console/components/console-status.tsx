// The console's state in words, with the server's reason for a close: the first thing to read
// when the screen stays black.
import type { ConsoleStatus } from './console-connection.ts';

export function consoleStatusText(status: ConsoleStatus): string {
  switch (status.state) {
    case 'connecting': return 'Connecting…';
    case 'connected': return 'Connected';
    case 'disconnected': return `Disconnected: ${status.reason}`;
  }
}

export function ConsoleStatusText({ status }: { status: ConsoleStatus }) {
  return (
    <span className={`console-status console-${status.state}`} data-testid="console-status" data-state={status.state}
      role="status" aria-live="polite">
      {consoleStatusText(status)}
    </span>
  );
}
