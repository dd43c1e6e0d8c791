// Bulk power actions on the selected VMs. Stop pulls the plug, so it asks first; the outcome
// is shown per VM (a VM may be refused while the others go ahead).
import { useState } from 'react';
import type { VmSummary } from '@ferry/contract';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { useBulkPower, type BulkAction } from '../../api/bulk-power.ts';
import { BulkResults } from './bulk-results.tsx';

const ACTIONS: { action: BulkAction; label: string; confirm: boolean }[] = [
  { action: 'start', label: 'Start', confirm: false },
  { action: 'shutdown', label: 'Shut down', confirm: false },
  { action: 'stop', label: 'Stop', confirm: true },
];

export function BulkBar({ selected, onClear }: { selected: readonly VmSummary[]; onClear: () => void }) {
  const bulk = useBulkPower();
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const run = (action: BulkAction) => {
    setConfirming(null);
    bulk.mutate({ action, vmIds: selected.map((v) => v.id) });
  };
  return (
    <div className="toolbar bulk-bar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar">
      <span><strong>{selected.length}</strong> selected</span>
      {ACTIONS.map(({ action, label, confirm }) => (
        <button key={action} type="button" data-testid={`bulk-${action}`} disabled={selected.length === 0 || selected.length > 200 || bulk.isPending}
          className={confirm ? 'danger' : undefined} onClick={() => (confirm ? setConfirming(action) : run(action))}>
          {label}
        </button>
      ))}
      <button type="button" className="link-button" onClick={onClear}>Clear selection</button>
      {selected.length > 200 && <span className="muted">At most 200 VMs at a time.</span>}
      {confirming && (
        <ConfirmDialog title={`Stop ${selected.length} VMs?`} confirmLabel={`Stop ${selected.length} VMs`}
          onConfirm={() => run(confirming)} onCancel={() => setConfirming(null)}>
          <p>Stopping pulls the plug at once: unsaved data in the guests is lost. To ask the guests to power off, use Shut down.</p>
        </ConfirmDialog>
      )}
      {(bulk.data || bulk.error) && (
        <BulkResults result={bulk.data} error={bulk.error} action={bulk.variables?.action ?? 'start'} vms={selected} onClose={() => bulk.reset()} />
      )}
    </div>
  );
}
