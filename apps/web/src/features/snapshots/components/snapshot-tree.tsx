// The snapshot tree as a table in tree order (the server's depth-first list, indented by
// depth), with the "you are here" marker on the current one. Names and descriptions are
// user- or guest-made: rendered as text only. Without vm.snapshot the actions stay in view,
// disabled, with `denied` as their title.
import type { Snapshot } from '@ferry/contract';
import { formatBytes } from '../../../lib/format-units.ts';
import { consistencyText, kindText, takenAt } from './snapshot-model.ts';

interface Props {
  snapshots: Snapshot[];
  onRevert: (s: Snapshot) => void;
  onDelete: (s: Snapshot) => void;
  onEdit: (s: Snapshot) => void;
  /** Why the caller may not change snapshots; undefined when they may. */
  denied?: string | undefined;
}

export function SnapshotTree({ snapshots, onRevert, onDelete, onEdit, denied }: Props) {
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
            <td style={{ whiteSpace: 'nowrap' }}>{takenAt(s.createdAt)}</td>
            <td>{kindText(s)}</td>
            <td>{s.vmState}, {consistencyText(s)}</td>
            <td className="num">{s.sizeBytes === null ? '—' : formatBytes(s.sizeBytes)}</td>
            <td>
              <span className="description" data-testid="snapshot-description">{s.description}</span>
              {/* A no-break space keeps a gap on one line; the plain one lets Edit wrap without an indent. */}
              {s.description && '\u00a0 '}
              <button type="button" className="link-button" data-testid="snapshot-edit" disabled={denied !== undefined} title={denied}
                aria-label={`Edit the description of ${s.name}`} onClick={() => onEdit(s)}>
                {s.description ? 'Edit' : 'Add'}
              </button>
            </td>
            <td>
              <div className="toolbar" style={{ flexWrap: 'nowrap' }}>
                <button type="button" data-testid="snapshot-revert" disabled={!s.revert.possible || denied !== undefined}
                  aria-label={`Revert to ${s.name}`} title={denied ?? (s.revert.possible ? undefined : s.revert.reason)} onClick={() => onRevert(s)}>
                  Revert
                </button>
                <button type="button" data-testid="snapshot-delete" className="danger-outline" disabled={denied !== undefined} title={denied}
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
