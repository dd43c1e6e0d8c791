// The pre-flight's checks, each with its status (as a word, not only a colour) and reason.
import type { PreflightCheck } from '@ferry/contract';

const TITLE: Record<PreflightCheck['id'], string> = {
  'target-connected': 'Target connected', 'not-same-host': 'Another host', cpu: 'CPU', memory: 'Memory',
  'name-uuid': 'Name and UUID free', 'emulator-machine': 'Emulator and machine type', storage: 'Storage',
  devices: 'Devices', 'post-copy': 'Post-copy',
};

export function PreflightChecks({ checks }: { checks: PreflightCheck[] }) {
  return (
    <ul className="checks" data-testid="preflight-checks" aria-label="Pre-flight checks">
      {checks.map((c) => (
        <li key={c.id} className={`check check-${c.status}`} data-testid="preflight-check" data-check={c.id} data-status={c.status}>
          <span className="chip">{c.status}</span> <strong>{TITLE[c.id] ?? c.id}</strong>: {c.reason}
        </li>
      ))}
    </ul>
  );
}
