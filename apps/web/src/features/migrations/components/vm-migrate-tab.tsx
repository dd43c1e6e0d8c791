// The VM page's Migrate tab: pick a target host, run the pre-flight (each check with its
// reason), set the options, start the migration and follow its task (a progress bar that
// never runs backwards; Cancel aborts). With one host there is nowhere to go: it says so.
// Both the pre-flight and the migration need vm.migrate on the VM; without it they are disabled.
import { useEffect, useRef, useState } from 'react';
import type { VmDetail } from '@ferry/contract';
import { needs, useCanOnVm } from '../../auth/can.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { Link } from '../../../lib/router.tsx';
import { useHosts } from '../../hosts/api/get-hosts.ts';
import { TaskProgress } from '../../vm-tasks/components/task-progress.tsx';
import { usePreflight, type PreflightInput } from '../api/get-preflight.ts';
import { refusedChecks, useMigrateVm } from '../api/migrate-vm.ts';
import { describeMigration, initialForm, toMigrateBody, type MigrateForm } from './migrate-model.ts';
import { MigrateOptions } from './migrate-options.tsx';
import { PreflightChecks } from './preflight-checks.tsx';

export function VmMigrateTab({ vm }: { vm: VmDetail }) {
  const hosts = useHosts();
  const targets = (hosts.data ?? []).filter((h) => h.id !== vm.hostId);
  if (hosts.isPending) return <p className="muted">Loading hosts…</p>;
  if (hosts.isError) return <ErrorMessage error={hosts.error} title="Could not load the hosts" />;
  if (targets.length === 0) {
    return (
      <EmptyState title="No other host to migrate to">
        <p data-testid="migrate-one-host">
          Ferry knows one host only ({vm.hostId}). Migration moves a VM to another host: add a second host first.
        </p>
        <p><Link to="/">Go to the datacenter</Link></p>
      </EmptyState>
    );
  }
  return <MigrateForm vm={vm} targets={targets} />;
}

function MigrateForm({ vm, targets }: { vm: VmDetail; targets: { id: string; name: string; state: string }[] }) {
  const running = vm.state === 'running' || vm.state === 'paused';
  const mayMigrate = useCanOnVm(vm)('vm.migrate');
  const [form, setForm] = useState<MigrateForm>(() => initialForm(targets[0]!.id, running));
  const [checkFor, setCheckFor] = useState<PreflightInput | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  // Once the VM has moved, the old target is its own host and the pre-flight answered for a
  // move that has happened: pick the first host it can go to now, and ask for a new pre-flight.
  // (The finished task stays in view.)
  const [onHost, setOnHost] = useState(vm.hostId);
  if (onHost !== vm.hostId) {
    setOnHost(vm.hostId);
    if (!targets.some((t) => t.id === form.targetHostId)) setForm({ ...form, targetHostId: targets[0]!.id });
    setCheckFor(null);
  }
  // The task's panel sits below the options: bring it into view when a migration starts.
  const taskPanel = useRef<HTMLDivElement>(null);
  useEffect(() => { if (taskId) taskPanel.current?.scrollIntoView?.({ block: 'nearest' }); }, [taskId]);
  const preflight = usePreflight(checkFor);
  const migrate = useMigrateVm();
  const built = toMigrateBody(form, running);
  const change = (f: MigrateForm) => {
    // The pre-flight answers for one target and storage mode: another choice needs a new run.
    if (f.targetHostId !== form.targetHostId || f.storage !== form.storage) setCheckFor(null);
    setForm(f);
  };
  const start = () => {
    if (!built.ok) return;
    migrate.mutate({ vmId: vm.id, body: built.body }, { onSuccess: (r) => setTaskId(r.taskId) });
  };
  const refused = refusedChecks(migrate.error);
  return (
    <div data-testid="vm-migrate" style={{ display: 'grid', gap: 12, maxWidth: 820 }}>
      {!mayMigrate && <p className="notice" data-testid="migrate-forbidden">Migrating this VM needs the vm.migrate privilege on it, which your roles do not include.</p>}
      <div className="toolbar" style={{ alignItems: 'end' }}>
        <Field id="migrate-target" label="Target host">
          <select value={form.targetHostId} onChange={(e) => change({ ...form, targetHostId: e.target.value })}>
            {targets.map((h) => <option key={h.id} value={h.id}>{h.name} ({h.state})</option>)}
          </select>
        </Field>
        <button type="button" id="migrate-preflight" data-testid="migrate-preflight" disabled={!mayMigrate || preflight.isFetching}
          title={mayMigrate ? undefined : needs('vm.migrate')}
          onClick={() => {
            setCheckFor({ vmId: vm.id, targetHostId: form.targetHostId, storage: form.storage });
            if (checkFor) void preflight.refetch();
          }}>
          {preflight.isFetching ? 'Checking…' : 'Run pre-flight'}
        </button>
      </div>
      <ErrorMessage error={preflight.error} title="Pre-flight could not run" />
      {checkFor && preflight.data && (
        <section aria-label="Pre-flight result" data-testid="preflight-result">
          <p data-testid="preflight-verdict">{preflight.data.ok ? 'Nothing stands in the way' : 'A check failed: the migration would be refused'}
            {checkFor.storage === 'copy' ? ' (copying the disks along).' : ' (with shared storage).'}</p>
          <PreflightChecks checks={preflight.data.checks} />
        </section>
      )}
      <MigrateOptions form={form} running={running} errors={built.ok ? {} : built.errors} onChange={change} />
      <div className="toolbar">
        <button type="button" id="migrate-start" data-testid="migrate-start" className="primary"
          disabled={!mayMigrate || !built.ok || !preflight.data?.ok || !checkFor || migrate.isPending}
          title={!mayMigrate ? needs('vm.migrate') : preflight.data?.ok ? undefined : 'Run the pre-flight first; it must pass'} onClick={start}>
          Migrate {vm.name}
        </button>
      </div>
      <ErrorMessage error={migrate.error} title="The server refused the migration" />
      {refused && <PreflightChecks checks={refused} />}
      <div ref={taskPanel}>
        {taskId && <TaskProgress key={taskId} taskId={taskId} label={`Migrate ${vm.name}`} describe={describeMigration} cancellable />}
      </div>
    </div>
  );
}
