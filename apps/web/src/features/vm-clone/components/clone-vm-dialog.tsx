// Clone a stopped VM or a template: name, full copy or linked (templates only), the pool for
// the new volumes (default: beside each source disk), an optional description, start afterwards. Once started, the dialog follows the clone's task and offers
// the new VM's page.
import { useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { Link } from '../../../lib/router.tsx';
import { useTask } from '../../vm-tasks/api/use-task.ts';
import { TaskProgress } from '../../vm-tasks/components/task-progress.tsx';
import { useCloneVm } from '../api/clone-vm.ts';
import { cloneNameError, initialCloneForm, toCloneBody, type CloneForm } from './clone-form.ts';
import { ClonePoolField } from './clone-pool-field.tsx';

export function CloneVmDialog({ vm, onClose }: { vm: VmDetail; onClose: () => void }) {
  const clone = useCloneVm();
  const [form, setForm] = useState<CloneForm>(() => initialCloneForm(vm));
  const [touched, setTouched] = useState(false);
  const started = clone.data ?? null;
  const task = useTask(started?.taskId ?? null).data;
  const error = cloneNameError(form.name);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!error) clone.mutate({ vmId: vm.id, body: toCloneBody(form) });
  };
  return (
    <Dialog title={`Clone ${vm.name}`} onClose={onClose} testId="clone-dialog" footer={started
      ? <button type="button" onClick={onClose}>Close</button>
      : <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="clone-form" id="clone-submit" className="primary" disabled={clone.isPending}>Clone</button>
      </>}>
      {started ? (
        <div style={{ display: 'grid', gap: 10 }}>
          <TaskProgress taskId={started.taskId} label={`Clone ${form.name}`} />
          {task?.state === 'succeeded' && <p><Link to={`/vms/${started.vmId}`} data-testid="clone-open" onClick={onClose}>Open {form.name}</Link></p>}
        </div>
      ) : (
        <form id="clone-form" onSubmit={submit} noValidate style={{ display: 'grid', gap: 10 }}>
          <Field id="clone-name" label="Name of the new VM" error={touched ? error : undefined}>
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} onBlur={() => setTouched(true)} autoComplete="off" />
          </Field>
          <fieldset className="wizard-step">
            <legend>Disks</legend>
            <label className="radio">
              <input type="radio" name="clone-mode" id="clone-mode-full" checked={form.mode === 'full'} onChange={() => setForm({ ...form, mode: 'full' })} />
              Full copy (independent of {vm.name})
            </label>
            <label className="radio">
              <input type="radio" name="clone-mode" id="clone-mode-linked" checked={form.mode === 'linked'} disabled={!vm.template}
                onChange={() => setForm({ ...form, mode: 'linked' })} />
              Linked (thin overlays on the template's disks{vm.template ? '' : ' — only from a template'})
            </label>
          </fieldset>
          <ClonePoolField hostId={vm.hostId} mode={form.mode} value={form.pool} onChange={(pool) => setForm({ ...form, pool })} />
          <Field id="clone-description" label="Description (optional)">
            <textarea rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
          </Field>
          <label className="checkbox">
            <input type="checkbox" id="clone-start" checked={form.start} onChange={(e) => setForm({ ...form, start: e.target.checked })} />
            Start the new VM when it is ready
          </label>
          <ErrorMessage error={clone.error} title="The server refused the clone" />
        </form>
      )}
    </Dialog>
  );
}
