// One VM: its name, state, power, clone and template actions above tabs (Summary, Hardware,
// Console, Snapshots, Migrate, Tasks, Permissions).
import { useState } from 'react';
import type { ConsoleKind } from '@ferry/contract';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { VmStateBadge } from '../../../../components/state-icon.tsx';
import { Tabs } from '../../../../components/tabs.tsx';
import { isApiError } from '../../../../lib/api-error.ts';
import { VmConsoleTab } from '../../../console/components/vm-console-tab.tsx';
import { VmMigrateTab } from '../../../migrations/components/vm-migrate-tab.tsx';
import { VmSnapshotsTab } from '../../../snapshots/components/vm-snapshots-tab.tsx';
import { VmCopyActions } from '../../../vm-clone/components/vm-copy-actions.tsx';
import { VmPermissionsTab } from '../../../vm-permissions/components/vm-permissions-tab.tsx';
import { VmTasksTab } from '../../../vm-tasks/components/vm-tasks-tab.tsx';
import { needs, useCanOnVm } from '../../../auth/can.ts';
import { useHosts } from '../../../hosts/api/get-hosts.ts';
import { useVm } from '../../api/get-vm.ts';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';
import { PowerButtons } from './power-buttons.tsx';
import { VmHardwareTab } from './vm-hardware-tab.tsx';
import { VmSummaryTab } from './vm-summary-tab.tsx';

export const VM_TABS = ['summary', 'hardware', 'console', 'snapshots', 'migrate', 'tasks', 'permissions'] as const;
export type VmTab = (typeof VM_TABS)[number];

export function VmDetailPage({ vmId, tab, consoleKind = 'vnc' }: { vmId: string; tab: VmTab; consoleKind?: ConsoleKind }) {
  const vm = useVm(vmId);
  const hosts = useHosts();
  const [deleting, setDeleting] = useState(false);
  const can = useCanOnVm(vm.data ?? { id: vmId, hostId: '' });

  if (vm.isPending) return <section className="page" aria-busy="true"><p className="muted">Loading VM…</p></section>;
  if (vm.isError) {
    return (
      <section className="page">
        <h1>VM</h1>
        {isApiError(vm.error) && vm.error.code === 'NOT_FOUND'
          ? <p data-testid="vm-gone">This VM does not exist (any more).</p>
          : <ErrorMessage error={vm.error} title="Could not load the VM" />}
      </section>
    );
  }
  const v = vm.data;
  const host = hosts.data?.find((h) => h.id === v.hostId);
  return (
    <section className="page" aria-labelledby="vm-title" data-testid="vm-detail" data-vm-id={v.id}>
      <header className="page-header">
        <h1 id="vm-title">{v.name}</h1>
        {v.template ? <span className="chip">template</span> : <VmStateBadge state={v.state} />}
        <span className="spacer" />
        <PowerButtons vm={v} />
        <VmCopyActions vm={v} />
        <button type="button" id="vm-delete" data-testid="vm-delete" className="danger-outline"
          disabled={!can('vm.delete') || (v.state !== 'shutoff' && v.state !== 'crashed')}
          title={!can('vm.delete') ? needs('vm.delete') : v.state === 'shutoff' || v.state === 'crashed' ? undefined : 'Stop the VM first'}
          onClick={() => setDeleting(true)}>
          Delete
        </button>
      </header>
      <Tabs label="VM views" active={tab} tabs={[
        { id: 'summary', label: 'Summary', to: `/vms/${v.id}` },
        { id: 'hardware', label: 'Hardware', to: `/vms/${v.id}/hardware` },
        { id: 'console', label: 'Console', to: `/vms/${v.id}/console` },
        { id: 'snapshots', label: 'Snapshots', to: `/vms/${v.id}/snapshots` },
        { id: 'migrate', label: 'Migrate', to: `/vms/${v.id}/migrate` },
        { id: 'tasks', label: 'Tasks', to: `/vms/${v.id}/tasks` },
        { id: 'permissions', label: 'Permissions', to: `/vms/${v.id}/permissions` },
      ]} />
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'summary' && <VmSummaryTab vm={v} host={host} />}
        {tab === 'hardware' && <VmHardwareTab vm={v} />}
        {tab === 'console' && <VmConsoleTab vm={v} kind={consoleKind} />}
        {tab === 'snapshots' && <VmSnapshotsTab vm={v} />}
        {tab === 'migrate' && <VmMigrateTab vm={v} />}
        {tab === 'tasks' && <VmTasksTab vm={v} />}
        {tab === 'permissions' && <VmPermissionsTab vm={v} />}
      </div>
      {deleting && <DeleteVmDialog vm={v} onClose={() => setDeleting(false)} />}
    </section>
  );
}
