// Start/stop, autostart and delete on the network page, for those with network.manage on the
// host. Stopping and deleting ask first: guests on the network lose connectivity.
import { useState } from 'react';
import type { Network } from '@ferry/contract';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { navigate } from '../../../lib/router.tsx';
import { useCanOnHost } from '../../auth/can.ts';
import { useDeleteNetwork } from '../api/delete-network.ts';
import { useNetworkPower } from '../api/network-power.ts';
import { useSetNetworkAutostart } from '../api/set-network-autostart.ts';

export function NetworkActions({ network: n }: { network: Network }) {
  const canManage = useCanOnHost(n.hostId, 'network.manage');
  const power = useNetworkPower();
  const autostart = useSetNetworkAutostart();
  const del = useDeleteNetwork();
  const [confirm, setConfirm] = useState<'stop' | 'delete' | null>(null);
  if (!canManage) return null;
  const close = () => { setConfirm(null); power.reset(); del.reset(); };
  const target = { hostId: n.hostId, name: n.name };
  return (
    <div className="toolbar">
      {n.active
        ? <button type="button" id="network-stop" onClick={() => setConfirm('stop')}>Stop</button>
        : <button type="button" id="network-start" disabled={power.isPending} onClick={() => power.mutate({ ...target, action: 'start' })}>Start</button>}
      <label className="checkbox">
        <input type="checkbox" id="network-autostart" checked={n.autostart} disabled={autostart.isPending}
          onChange={(e) => autostart.mutate({ ...target, enabled: e.target.checked })} />
        Start with the host
      </label>
      <button type="button" id="network-delete" className="danger-outline" onClick={() => setConfirm('delete')}>Delete</button>
      <ErrorMessage error={confirm ? null : power.error ?? autostart.error} />
      {confirm === 'stop' && (
        <ConfirmDialog title={`Stop ${n.name}?`} confirmLabel="Stop network" busy={power.isPending} error={power.error} onCancel={close}
          onConfirm={() => power.mutate({ ...target, action: 'stop' }, { onSuccess: close })}>
          <p>Guests on this network lose connectivity until it is started again.</p>
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog title={`Delete ${n.name}?`} confirmLabel="Delete network" busy={del.isPending} error={del.error} onCancel={close}
          onConfirm={() => del.mutate(target, { onSuccess: () => { close(); navigate(`/networks/${n.hostId}`); } })}>
          <p>The network is stopped and removed from the host. VMs with a NIC on it will not start until that NIC is changed.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
