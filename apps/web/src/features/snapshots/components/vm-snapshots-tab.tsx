// The VM page's Snapshots tab: the tree, Take snapshot, and per snapshot Revert and Delete
// (each asks first) and its description. The task an action starts is followed below the
// toolbar; the list itself refreshes from the events (a vm.event 'snapshot' or the task's end
// marks it stale). Changes need vm.snapshot on the VM; without it they are disabled, saying why.
import { useState } from 'react';
import type { Snapshot, VmDetail } from '@ferry/contract';
import { needs, useCanOnVm } from '../../auth/can.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { TaskProgress } from '../../vm-tasks/components/task-progress.tsx';
import { useSnapshots } from '../api/get-snapshots.ts';
import { CreateSnapshotDialog } from './create-snapshot-dialog.tsx';
import { DeleteSnapshotDialog } from './delete-snapshot-dialog.tsx';
import { EditSnapshotDialog } from './edit-snapshot-dialog.tsx';
import { RevertSnapshotDialog } from './revert-snapshot-dialog.tsx';
import { SnapshotTree } from './snapshot-tree.tsx';

type Open = { kind: 'create' } | { kind: 'revert' | 'delete' | 'edit'; snapshot: Snapshot } | null;

export function VmSnapshotsTab({ vm }: { vm: VmDetail }) {
  const snapshots = useSnapshots(vm.id);
  const can = useCanOnVm(vm);
  const denied = can('vm.snapshot') ? undefined : needs('vm.snapshot');
  const [open, setOpen] = useState<Open>(null);
  const [started, setStarted] = useState<{ taskId: string; label: string } | null>(null);
  const items = snapshots.data?.items ?? [];
  const start = (label: string) => (taskId: string) => {
    setStarted({ taskId, label });
    setOpen(null);
  };
  return (
    <div data-testid="vm-snapshots" style={{ display: 'grid', gap: 10 }}>
      <div className="toolbar">
        <button type="button" id="snapshot-create" data-testid="snapshot-create" className="primary" disabled={vm.template || denied !== undefined}
          title={vm.template ? 'Templates have no snapshots' : denied} onClick={() => setOpen({ kind: 'create' })}>
          Take snapshot
        </button>
        {snapshots.data && (
          <span className="muted" data-testid="snapshot-current-name">
            {snapshots.data.current ? <>Current: <strong>{snapshots.data.current}</strong></> : 'No current snapshot'}
          </span>
        )}
      </div>
      {denied && !vm.template && <p className="notice" data-testid="snapshots-readonly">Read only: taking, reverting, deleting and describing snapshots of this VM needs the vm.snapshot privilege on it.</p>}
      {started && <TaskProgress key={started.taskId} taskId={started.taskId} label={started.label} />}
      <ErrorMessage error={snapshots.error} title="Could not load the snapshots" />
      {snapshots.isPending && <p className="muted">Loading snapshots…</p>}
      {snapshots.data && items.length === 0 && (
        <EmptyState title="No snapshots yet">
          <p>A snapshot keeps the VM's disks (and, for a running VM, its memory) as they are now, to come back to later.</p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <SnapshotTree snapshots={items} denied={denied} onEdit={(s) => setOpen({ kind: 'edit', snapshot: s })}
          onRevert={(s) => setOpen({ kind: 'revert', snapshot: s })} onDelete={(s) => setOpen({ kind: 'delete', snapshot: s })} />
      )}
      {open?.kind === 'create' && (
        <CreateSnapshotDialog vm={vm} taken={items.map((s) => s.name)} onClose={() => setOpen(null)}
          onStarted={(taskId, name) => start(`Snapshot ${name}`)(taskId)} />
      )}
      {open?.kind === 'revert' && (
        <RevertSnapshotDialog vm={vm} snapshot={open.snapshot} onClose={() => setOpen(null)} onStarted={start(`Revert to ${open.snapshot.name}`)} />
      )}
      {open?.kind === 'delete' && (
        <DeleteSnapshotDialog vm={vm} snapshot={open.snapshot} mayKeepData={can('vm.config') && can('vm.delete')} onClose={() => setOpen(null)}
          onStarted={(taskId, metadataOnly) => start(metadataOnly ? `Forget ${open.snapshot.name} (data kept)` : `Delete ${open.snapshot.name}`)(taskId)} />
      )}
      {open?.kind === 'edit' && (
        <EditSnapshotDialog vm={vm} snapshot={open.snapshot} onClose={() => setOpen(null)} onStarted={start(`Describe ${open.snapshot.name}`)} />
      )}
    </div>
  );
}
