// The host's readiness report: acceleration, then each check with its status, its message and,
// where something is wrong, the exact command that fixes it (with a copy button).
import { useEffect, useRef, useState } from 'react';
import type { HostState } from '@ferry/contract';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { useHostReadiness } from '../api/get-host-readiness.ts';

const ACCEL = { kvm: 'KVM (hardware acceleration)', tcg: 'TCG (emulation: VMs run, slowly)', none: 'none: VMs cannot run' } as const;

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="link-button" aria-label={label}
      onClick={() => void navigator.clipboard?.writeText(text).then(() => setDone(true), () => setDone(false))}>
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

export function ReadinessPanel({ hostId, hostState }: { hostId: string; hostState: HostState }) {
  const readiness = useHostReadiness(hostId);
  // A report made while the host was still connecting (or had dropped) says only that: ask
  // again once the connection state changes rather than show it for the next minute.
  const seen = useRef(hostState);
  const { refetch } = readiness;
  useEffect(() => {
    if (seen.current === hostState) return;
    seen.current = hostState;
    void refetch();
  }, [hostState, refetch]);
  const r = readiness.data;
  const failing = r?.checks.filter((c) => c.status !== 'pass').length ?? 0;
  return (
    <section className="panel" aria-labelledby="host-ready" data-testid="host-readiness">
      <h2 id="host-ready">Readiness</h2>
      <ErrorMessage error={readiness.error} />
      {readiness.isPending && <p className="muted">Checking…</p>}
      {r && (
        <>
          <p>Acceleration: <strong data-testid="host-acceleration">{ACCEL[r.acceleration]}</strong></p>
          <p className="muted">{failing === 0 ? 'Every check passes.' : `${failing} of ${r.checks.length} checks need attention.`}</p>
          <ul className="checks">
            {r.checks.map((c) => (
              <li key={c.id} className={`check check-${c.status}`} data-testid="readiness-check" data-check={c.id} data-status={c.status}>
                <span className="chip">{c.status}</span> {c.message}
                {c.fix && (
                  <>
                    <pre className="fix" aria-label={`Fix for ${c.id}`}>{c.fix}</pre>
                    <CopyButton text={c.fix} label={`Copy the fix for ${c.id}`} />
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
