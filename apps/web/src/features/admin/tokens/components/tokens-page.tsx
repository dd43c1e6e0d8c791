// The caller's own API tokens: create (secret shown once), list, revoke (asks first).
import { useState } from 'react';
import type { ApiToken, CreatedApiToken } from '@ferry/contract';
import { ConfirmDialog } from '../../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { useAdminAccess } from '../../admin-access.ts';
import { SECTION } from '../../section-style.ts';
import { useRevokeToken } from '../api/revoke-token.ts';
import { useTokens } from '../api/get-tokens.ts';
import { CreateTokenDialog } from './create-token-dialog.tsx';
import { TokenSecretDialog } from './token-secret-dialog.tsx';

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

export function TokensPage() {
  const tokens = useTokens();
  const access = useAdminAccess();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const close = () => { setRevoking(null); revoke.reset(); };
  // Read when the list arrived: an expired token stays listed (and refused) until revoked.
  const now = tokens.dataUpdatedAt;
  return (
    <div style={SECTION} data-testid="tokens-page">
      <div className="toolbar">
        <button type="button" className="primary" id="create-token-button" onClick={() => setCreating(true)}>New API token</button>
        <span className="muted">Tokens act as you, capped at their role; scripts send them as <code>Authorization: Bearer …</code>.</span>
      </div>
      <ErrorMessage error={tokens.error} />
      {tokens.data?.length === 0 && <EmptyState title="No API tokens"><p>Create one for a script or a monitoring system.</p></EmptyState>}
      {tokens.data && tokens.data.length > 0 && (
        <table className="table" aria-label="API tokens">
          <thead><tr><th>Name</th><th>Role</th><th>Created</th><th>Expires</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id} data-testid="token-row" data-token-name={t.name} data-token-id={t.id}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>{when(t.createdAt, '—')}</td>
                <td>{when(t.expiresAt, 'never')}{t.expiresAt && Date.parse(t.expiresAt) <= now && <span className="chip chip-warn">expired</span>}</td>
                <td>{when(t.lastUsedAt, 'never')}</td>
                <td><button type="button" className="danger-outline" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>Revoke</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <CreateTokenDialog ceiling={access.ceiling} onClose={() => setCreating(false)}
          onCreated={(t) => { setCreating(false); setCreated(t); }} />
      )}
      {created && <TokenSecretDialog token={created} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog title={`Revoke ${revoking.name}?`} confirmLabel="Revoke token" busy={revoke.isPending} error={revoke.error}
          onCancel={close} onConfirm={() => revoke.mutate(revoking.id, { onSuccess: close })}>
          <p>Scripts using it stop working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
