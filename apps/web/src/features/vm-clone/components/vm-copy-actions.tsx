// Clone and Convert to template, for the VM page's header. Both need a stopped VM (a template
// is always stopped); converting asks first, since a template can no longer start. Cloning needs
// vm.create on the VM, converting vm.config: without them the buttons are disabled, saying why.
import { useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { needs, useCanOnVm } from '../../auth/can.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { notify } from '../../../components/toasts.tsx';
import { useMakeTemplate } from '../api/make-template.ts';
import { CloneVmDialog } from './clone-vm-dialog.tsx';

export function VmCopyActions({ vm }: { vm: VmDetail }) {
  const [open, setOpen] = useState<'clone' | 'template' | null>(null);
  const template = useMakeTemplate();
  const can = useCanOnVm(vm);
  const stopped = vm.state === 'shutoff';
  const whyNot = (privilege: 'vm.create' | 'vm.config') => (!can(privilege) ? needs(privilege) : stopped ? undefined : 'Shut the VM down first');
  const cloneWhy = whyNot('vm.create');
  const templateWhy = whyNot('vm.config');
  const close = () => {
    setOpen(null);
    template.reset();
  };
  return (
    <div className="toolbar" role="toolbar" aria-label="Copies">
      <button type="button" id="vm-clone" data-testid="vm-clone" disabled={cloneWhy !== undefined} title={cloneWhy} onClick={() => setOpen('clone')}>
        Clone
      </button>
      {!vm.template && (
        <button type="button" id="vm-template" data-testid="vm-template" disabled={templateWhy !== undefined} title={templateWhy} onClick={() => setOpen('template')}>
          Convert to template
        </button>
      )}
      {open === 'clone' && <CloneVmDialog vm={vm} onClose={close} />}
      {open === 'template' && (
        <ConfirmDialog title={`Convert ${vm.name} to a template?`} confirmLabel="Convert to template" busy={template.isPending}
          error={template.error} onCancel={close}
          onConfirm={() => template.mutate(vm.id, { onSuccess: () => { notify(`Converting ${vm.name} to a template…`); close(); } })}>
          <p>A template can no longer be started; it serves as the source of clones (linked clones share its disks). This cannot be undone from the dashboard.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
