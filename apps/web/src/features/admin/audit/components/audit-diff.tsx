// A configuration change as recorded: one line per changed value, JSON-encoded (as text).
import type { AuditDiff as Diff } from '@ferry/contract';

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

export function AuditDiff({ diff }: { diff: Diff }) {
  return (
    <ul className="plain-list" aria-label="Changes">
      {diff.changes.map((c, i) => (
        <li key={i}><code>{c.path || '(whole object)'}</code>: {show(c.before)} → {show(c.after)}</li>
      ))}
      {diff.omitted ? <li className="muted">…and {diff.omitted} more</li> : null}
    </ul>
  );
}
