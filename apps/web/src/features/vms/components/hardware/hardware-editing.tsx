// Which hardware editor is open and what the last edit did; the dialogs themselves load lazily
// (hardware-dialog.tsx). The hardware tab only places buttons that call `open`.
import { lazy, Suspense, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { VmDetail } from '@ferry/contract';
import { notify } from '../../../../components/toasts.tsx';
import type { EditResult } from '../../api/edit-vm.ts';
import { vmKeys } from '../../api/vm-keys.ts';
import type { EditorProps } from './editor-props.ts';

export type Editing =
  | { kind: 'cpu' } | { kind: 'memory' } | { kind: 'boot' } | { kind: 'disk-add' } | { kind: 'nic-add' }
  | { kind: 'disk-resize'; target: string } | { kind: 'disk-detach'; target: string }
  | { kind: 'nic-edit'; mac: string } | { kind: 'nic-remove'; mac: string };

export function useHardwareEditing(vm: VmDetail) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Editing | null>(null);
  // Bumped by Reload: the open dialog mounts again, filled from (and holding the digest of) the fresh VM.
  const [generation, setGeneration] = useState(0);
  const [result, setResult] = useState<EditResult | null>(null);
  const props: EditorProps = {
    vm,
    onClose: () => setEditing(null),
    onDone: (r) => {
      setEditing(null);
      setResult(r);
      notify(`${vm.name}: ${[...r.applied, ...r.pending.map((p) => `${p} (next boot)`)].join(', ') || 'nothing to change'}`);
    },
    onReload: () => {
      void qc.refetchQueries({ queryKey: vmKeys.detail(vm.id) }).then(() => setGeneration((g) => g + 1));
    },
  };
  return { editing, open: (e: Editing) => { setResult(null); setEditing(e); }, result, generation, props };
}

export type HardwareEditing = ReturnType<typeof useHardwareEditing>;

const HardwareDialogSwitch = lazy(() => import('./hardware-dialog.tsx'));

export function HardwareDialog({ hw }: { hw: HardwareEditing }) {
  if (!hw.editing) return null;
  return <Suspense fallback={null}><HardwareDialogSwitch hw={hw} e={hw.editing} /></Suspense>;
}

/** What the last edit did: applied now, or kept for the next boot. */
export function EditResultNotice({ result }: { result: EditResult | null }) {
  if (!result) return null;
  return (
    <div className="notice" role="status" data-testid="edit-result">
      {result.applied.length > 0 && <p><strong>Applied now:</strong> {result.applied.join('; ')}</p>}
      {result.pending.length > 0 && <p><strong>At the next boot:</strong> {result.pending.join('; ')}</p>}
      {result.applied.length + result.pending.length === 0 && <p>Nothing needed changing.</p>}
    </div>
  );
}

/** A small action button in a hardware row, named for what it acts on. */
export function RowAction({ id, label, name, onClick, disabled, title }: { id: string; label: string; name: string; onClick: () => void; disabled?: boolean; title?: string | undefined }) {
  return <button type="button" id={id} data-testid={id} className="link-button hw-action" aria-label={`${label} ${name}`} disabled={disabled} title={title} onClick={onClick}>{label}</button>;
}

export const macId = (mac: string) => mac.replace(/:/g, '-');
