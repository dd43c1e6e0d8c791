// "Are you sure?" for destructive actions: says what will happen, and the confirming button
// names the action (never a bare "OK").
import type { ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { ErrorMessage } from './error-message.tsx';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: unknown;
  danger?: boolean;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy, error, danger = true }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onClose={onCancel} testId="confirm-dialog" footer={
      <>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className={danger ? 'danger' : 'primary'} data-testid="confirm-button" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </>
    }>
      {children}
      <ErrorMessage error={error} />
    </Dialog>
  );
}
