// The dashboard's pages by URL.
import type { VmState } from '@ferry/contract';
import { AdminArea } from '../features/admin/components/admin-area.tsx';
import { adminSectionAt } from '../features/admin/admin-access.ts';
import { DatacenterPage } from '../features/hosts/components/datacenter-page.tsx';
import { HostPage } from '../features/hosts/components/host-page.tsx';
import { NetworkPage } from '../features/networks/components/network-page.tsx';
import { NetworksPage } from '../features/networks/components/networks-page.tsx';
import { PoolPage } from '../features/storage/components/pool-page.tsx';
import { PoolsPage } from '../features/storage/components/pools-page.tsx';
import { useVms } from '../features/vms/api/get-vms.ts';
import { openCreateWizard } from '../features/vms/components/create-wizard/wizard-store.ts';
import { VmDetailPage } from '../features/vms/components/vm-detail/vm-detail-page.tsx';
import { VmListPage } from '../features/vms/components/vm-list/vm-list-page.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Link, matchPath, useLocation } from '../lib/router.tsx';

function Datacenter() {
  const vms = useVms();
  const counts = vms.data?.reduce<Partial<Record<VmState, number>>>((c, v) => ({ ...c, [v.state]: (c[v.state] ?? 0) + 1 }), {});
  return <DatacenterPage vmCounts={counts} onCreateVm={() => openCreateWizard()} />;
}

export function AppRoutes() {
  const path = useLocation().split('?')[0] ?? '/';
  let m: Record<string, string> | null;
  if (path === '/') return <Datacenter />;
  if (path === '/vms') return <VmListPage />;
  if ((m = matchPath('/vms/:vmId', path))) return <VmDetailPage key={m.vmId} vmId={m.vmId!} tab="summary" />;
  if ((m = matchPath('/vms/:vmId/hardware', path))) return <VmDetailPage key={m.vmId} vmId={m.vmId!} tab="hardware" />;
  if ((m = matchPath('/vms/:vmId/console', path))) return <VmDetailPage key={m.vmId} vmId={m.vmId!} tab="console" />;
  if ((m = matchPath('/vms/:vmId/console/serial', path))) return <VmDetailPage key={m.vmId} vmId={m.vmId!} tab="console" consoleKind="serial" />;
  for (const tab of ['snapshots', 'migrate', 'tasks', 'permissions'] as const) {
    if ((m = matchPath(`/vms/:vmId/${tab}`, path))) return <VmDetailPage key={m.vmId} vmId={m.vmId!} tab={tab} />;
  }
  if ((m = matchPath('/hosts/:hostId', path))) return <HostPage hostId={m.hostId!} />;
  if ((m = matchPath('/storage/:hostId', path))) return <PoolsPage hostId={m.hostId!} />;
  if ((m = matchPath('/storage/:hostId/:pool', path))) return <PoolPage hostId={m.hostId!} pool={m.pool!} />;
  const admin = adminSectionAt(path);
  if (admin) return <AdminArea key={admin} section={admin} />;
  if ((m = matchPath('/networks/:hostId', path))) return <NetworksPage hostId={m.hostId!} />;
  if ((m = matchPath('/networks/:hostId/:name', path))) return <NetworkPage hostId={m.hostId!} name={m.name!} />;
  return (
    <EmptyState title="No such page">
      <p><Link to="/">Back to the datacenter</Link></p>
    </EmptyState>
  );
}
