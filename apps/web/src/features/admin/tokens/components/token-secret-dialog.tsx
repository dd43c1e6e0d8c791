// The one time a token's secret is shown: read-only, selectable, with a copy button and a plain
// warning. Closing the dialog forgets it (the parent drops it from its state).
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
  return (
    <Dialog title={`Token ${token.name} created`} onClose={onClose} testId="token-secret-dialog" wide footer={
      <button type="button" className="primary" id="token-secret-done" onClick={onClose}>I have stored it</button>
    }>
      <div className="wizard-step">
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
