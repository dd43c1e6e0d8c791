// Whether live updates are flowing. Offline, the dashboard still works: it polls instead.
import { useLiveStatus, type LiveStatus } from '../../lib/live-status.ts';

const TEXT: Record<LiveStatus, { label: string; title: string }> = {
  live: { label: 'Live', title: 'Connected to the event stream: changes appear as they happen' },
  connecting: { label: 'Connecting…', title: 'Opening the event stream' },
  offline: { label: 'Offline', title: 'No event stream: refreshing every few seconds instead' },
};

export function ConnectionIndicator() {
  const status = useLiveStatus();
  const t = TEXT[status];
  return (
    <span className={`connection connection-${status}`} role="status" title={t.title} data-testid="connection-indicator" data-status={status}>
      <span className="connection-dot" aria-hidden="true" /> {t.label}
    </span>
  );
}
