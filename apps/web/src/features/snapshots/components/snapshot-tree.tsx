// The snapshot tree as a table in tree order (the server's depth-first list, indented by
// depth), with the "you are here" marker on the current one. Names and descriptions are
// user- or guest-made: rendered as text only.
import type { Snapshot } from '@ferry/contract';
import { formatBytes } from '../../../lib/format-units.ts';
import { consistencyText, kindText, takenAt } from './snapshot-model.ts';

interface Props {
  snapshots: Snapshot[];
  onRevert: (s: Snapshot) => void;
  onDelete: (s: Snapshot) => void;
}

export function SnapshotTree({ snapshots, onRevert, onDelete }: Props) {
  return (
    <table className="table" data-testid="snapshot-tree" aria-label="Snapshots">
      <thead><tr><th>Name</th><th>Taken</th><th>Kind</th><th>State then</th><th>Size</th><th>Description</th><th>Actions</th></tr></thead>
      <tbody>
        {snapshots.map((s) => (
          <tr key={s.name} data-testid="snapshot-row" data-snapshot={s.name} data-current={s.current} aria-current={s.current ? 'true' : undefined}>
            <td>
              <span style={{ paddingLeft: s.depth * 18 }}>{s.depth > 0 ? '└ ' : ''}{s.name}</span>
              {s.current && <span className="chip" data-testid="snapshot-current" title="The VM is at this snapshot: the next one taken goes below it">you are here</span>}
            </td>
            <td>{takenAt(s.createdAt)}</td>
            <td>{kindText(s)}</td>
            <td>{s.vmState}, {consistencyText(s)}</td>
            <td className="num">{s.sizeBytes === null ? '—' : formatBytes(s.sizeBytes)}</td>
            <td className="description">{s.description}</td>
            <td>
              <div className="toolbar">
                <button type="button" data-testid="snapshot-revert" disabled={!s.revert.possible}
                  aria-label={`Revert to ${s.name}`} title={s.revert.possible ? undefined : s.revert.reason} onClick={() => onRevert(s)}>
                  Revert
                </button>
                <button type="button" data-testid="snapshot-delete" className="danger-outline"
                  aria-label={`Delete ${s.name}`} onClick={() => onDelete(s)}>
                  Delete
                </button>
              </div>
              {!s.revert.possible && s.revert.reason && <small className="muted">{s.revert.reason}</small>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
