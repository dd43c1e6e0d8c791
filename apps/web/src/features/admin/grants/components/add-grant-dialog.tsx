// Give a user a role on everything, on one host (and its VMs), or on one VM.
import { useState, type FormEvent } from 'react';
import { AclPathSchema, type Role } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import { Field } from '../../../../components/field.tsx';
import { useHosts } from '../../../hosts/api/get-hosts.ts';
import { useVms } from '../../../vms/api/get-vms.ts';
import { useUsers } from '../../users/api/get-users.ts';
import { useCreateGrant } from '../api/create-grant.ts';
import { pathFor, type ScopeKind } from './grant-path.ts';
import { RoleField } from '../../../../components/role-field.tsx';

const SCOPES: readonly { kind: ScopeKind; label: string }[] = [
  { kind: 'all', label: 'Everything (/)' }, { kind: 'host', label: 'One host and its VMs' }, { kind: 'vm', label: 'One VM' },
];

export function AddGrantDialog({ onClose, userId: initialUser }: { onClose: () => void; userId?: string }) {
  const users = useUsers();
  const hosts = useHosts();
  const vms = useVms();
  const create = useCreateGrant();
  const [userId, setUserId] = useState(initialUser ?? '');
  const [kind, setKind] = useState<ScopeKind>('all');
  const [objectId, setObjectId] = useState('');
  const [role, setRole] = useState<Role>('Operator');
  const [touched, setTouched] = useState(false);
  const path = pathFor(kind, objectId);
  const errors = {
    user: userId ? undefined : 'choose a user',
    path: kind !== 'all' && !objectId ? `choose a ${kind === 'host' ? 'host' : 'VM'}` : AclPathSchema.safeParse(path).error?.issues[0]?.message,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!errors.user && !errors.path) create.mutate({ userId, path, role }, { onSuccess: onClose });
  };
  const objects = kind === 'host' ? (hosts.data ?? []).map((h) => ({ id: h.id, label: h.name }))
    : (vms.data ?? []).map((v) => ({ id: v.id, label: v.name }));

  return (
    <Dialog title="Add permission" onClose={onClose} testId="add-grant-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="add-grant-form" className="primary" id="add-grant-submit" disabled={create.isPending}>Add permission</button>
      </>
    }>
      <form id="add-grant-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="grant-user" label="User" error={touched ? errors.user : undefined}>
          <select value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Choose…</option>
            {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.username}</option>)}
          </select>
        </Field>
        <fieldset className="wizard-step">
          <legend>Applies to</legend>
          {SCOPES.map((s) => (
            <label key={s.kind} className="radio">
              <input type="radio" name="grant-scope" id={`grant-scope-${s.kind}`} checked={kind === s.kind}
                onChange={() => { setKind(s.kind); setObjectId(''); }} />
              {s.label}
            </label>
          ))}
        </fieldset>
        {kind !== 'all' && (
          <Field id="grant-object" label={kind === 'host' ? 'Host' : 'VM'} error={touched ? errors.path : undefined}>
            <select value={objectId} onChange={(e) => setObjectId(e.target.value)}>
              <option value="">Choose…</option>
              {objects.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
            </select>
          </Field>
        )}
        <RoleField id="grant-role" value={role} onChange={setRole} />
        <p className="muted">Path: <code data-testid="grant-path">{path}</code></p>
        <ErrorMessage error={create.error} />
      </form>
    </Dialog>
  );
}
