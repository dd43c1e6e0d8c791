// A VM's snapshots are cached under its detail key: everything that marks the VM's detail
// stale (a vm.event of kind 'snapshot', a finished task on the VM, a reconnect) refreshes
// its snapshot list too, with no entry of its own in app/live-updates.ts.
import { vmKeys } from '../../vms/api/vm-keys.ts';

export const snapshotKeys = {
  list: (vmId: string) => [...vmKeys.detail(vmId), 'snapshots'] as const,
};
