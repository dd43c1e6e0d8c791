// The frame of every hardware editor: a dialog holding one form, Cancel and Apply, what a
// running VM means for the change, and the outcome — the server's error by code, or for a
// stale digest "changed elsewhere" with a Reload that refills the form from the VM as it is now.
import { useId, type ReactNode } from 'react';
import type { VmDetail } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { isApiError } from '../../../../lib/api-error.ts';
import type { EditForm } from './use-edit-form.ts';

interface EditDialogProps {
  title: string;
  testId: string;
  vm: VmDetail;
  form: EditForm;
  submitLabel?: string;
  danger?: boolean;
  onSubmit: () => void;
  onClose: () => void;
  onReload: () => void;
  children: ReactNode;
}

export function EditDialog({ title, testId, vm, form, submitLabel = 'Apply', danger, onSubmit, onClose, onReload, children }: EditDialogProps) {
  const formId = useId();
  const { edit, errors } = form;
  const stale = isApiError(edit.error) && edit.error.code === 'STALE_DIGEST';
  const running = vm.state === 'running' || vm.state === 'paused';
  return (
    <Dialog title={title} onClose={onClose} testId={testId} footer={(
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form={formId} id="edit-submit" data-testid="edit-submit" className={danger ? 'danger' : 'primary'} disabled={edit.isPending || stale}>
          {edit.isPending ? 'Applying…' : submitLabel}
        </button>
      </>
    )}>
      <form id={formId} className="hw-form" noValidate onSubmit={(e) => { e.preventDefault(); onSubmit(); }}>
        {running && <p className="muted" data-testid="edit-running-hint">The VM is running: what libvirt cannot change live is kept for the next boot and marked pending.</p>}
        {children}
        {errors[''] && <p className="field-error" role="alert">{errors['']}</p>}
      </form>
      {stale ? (
        <div className="error-message" role="alert" data-testid="edit-stale" data-code="STALE_DIGEST">
          <code className="error-code">STALE_DIGEST</code> This VM was changed elsewhere since this form was opened: nothing was applied.
          Reload to see its current settings, then make your change again.{' '}
          <button type="button" id="edit-reload" data-testid="edit-reload" onClick={onReload}>Reload</button>
        </div>
      ) : <ErrorMessage error={edit.error} title="The change was not applied" />}
    </Dialog>
  );
}
