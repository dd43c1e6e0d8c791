// A running VM's uptime that keeps counting on screen. The server answers how long the VM had
// been up when it was asked; the rest is the time since that answer arrived here, so the
// figure stays right between fetches without asking again.
import { useEffect, useState } from 'react';
import { formatDuration } from '../lib/format-units.ts';

export function LiveUptime({ uptimeS }: { uptimeS: number | null }) {
  const [since, setSince] = useState(() => ({ at: Date.now(), uptimeS }));
  // A new answer (a refetch after a restart) starts the count again from it.
  if (since.uptimeS !== uptimeS) setSince({ at: Date.now(), uptimeS });
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (uptimeS === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [uptimeS]);
  if (uptimeS === null) return <>{formatDuration(null)}</>;
  return <>{formatDuration(uptimeS + Math.max(0, Math.floor((now - since.at) / 1000)))}</>;
}
