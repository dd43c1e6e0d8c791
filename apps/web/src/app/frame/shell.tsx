// The frame around every page: top bar, resource tree, the page, the task panel.
import type { TaskTarget } from '@ferry/contract';
import { Toasts } from '../../components/toasts.tsx';
import { TaskPanel } from '../../features/tasks/components/task-panel.tsx';
import { useVms } from '../../features/vms/api/get-vms.ts';
import { rememberVmNames, vmName } from '../../features/vms/api/vm-names.ts';
import { CreateWizard } from '../../features/vms/components/create-wizard/create-wizard.tsx';
import { closeCreateWizard, useCreateWizard } from '../../features/vms/components/create-wizard/wizard-store.ts';
import { AppRoutes } from '../routes.tsx';
import { ResourceTree } from './resource-tree.tsx';
import { TopBar } from './top-bar.tsx';

export function Shell() {
  const wizard = useCreateWizard();
  const vms = useVms();
  rememberVmNames(vms.data);
  const targetName = (t: TaskTarget) => (t.kind === 'vm' ? vmName(t.id) ?? t.id.slice(0, 8) : t.id);
  return (
    <div className="shell">
      <a href="#main" className="skip-link">Skip to content</a>
      <TopBar />
      <ResourceTree />
      <main id="main" className="content" tabIndex={-1}>
        <AppRoutes />
      </main>
      <TaskPanel targetName={targetName} />
      {wizard && <CreateWizard hostId={wizard.hostId} onClose={closeCreateWizard} />}
      <Toasts />
    </div>
  );
}
