// The one time a token's secret is shown: read-only, selectable, with a copy button and a plain
// warning. Closing the dialog forgets it (the parent drops it from its state) — so a stray
// Escape or click beside the dialog before the secret was copied asks first.
import { useState } from 'react';
import type { CreatedApiToken } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';

async function copy(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard access (permissions, older browsers): select it for Ctrl+C instead.
    field?.select();
    return false;
  }
}

export function TokenSecretDialog({ token, onClose }: { token: CreatedApiToken; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [leaving, setLeaving] = useState(false);
  const requestClose = () => (copied === 'yes' ? onClose() : setLeaving(true));
  return (
    <Dialog title={`Token ${token.name} created`} onClose={requestClose} testId="token-secret-dialog" wide footer={
      <button type="button" className="primary" id="token-secret-done" onClick={onClose}>I have stored it</button>
    }>
      <div className="wizard-step">
        {leaving && (
          <div className="error-message" role="alert" data-testid="token-secret-leaving">
            The secret has not been copied; once this closes it is gone for good.{' '}
            <button type="button" onClick={onClose}>Close without copying</button>{' '}
            <button type="button" onClick={() => setLeaving(false)}>Stay</button>
          </div>
        )}
        <p className="notice" role="alert"><strong>Copy the secret now.</strong> Ferry keeps only a hash of it: it will not be shown again,
          and nobody can recover it. Anyone holding it can act as you, up to the role {token.role}.</p>
        <label htmlFor="token-secret" className="field"><span className="label">Secret</span></label>
        <div className="toolbar">
          <input id="token-secret" data-testid="token-secret" readOnly value={token.secret} size={56} onFocus={(e) => e.currentTarget.select()}
            spellCheck={false} autoComplete="off" />
          <button type="button" id="token-secret-copy" onClick={(e) => {
            const field = e.currentTarget.parentElement?.querySelector('input') ?? null;
            void copy(token.secret, field).then((ok) => setCopied(ok ? 'yes' : 'no'));
          }}>Copy</button>
          <span role="status" className="muted">{copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Selected: press Ctrl+C to copy.' : ''}</span>
        </div>
        <p className="muted">Use it as <code>Authorization: Bearer &lt;secret&gt;</code>.</p>
      </div>
    </Dialog>
  );
}
