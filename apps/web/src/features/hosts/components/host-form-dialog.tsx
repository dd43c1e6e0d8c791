// Add a host by libvirt URI, or edit one (name, URI, migration URI). Checked with the
// contract's schemas before sending; the server then connects (the host's state shows how).
import { useState, type FormEvent } from 'react';
import { CreateHostBodySchema, type Host } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { navigate } from '../../../lib/router.tsx';
import { useCreateHost } from '../api/create-host.ts';
import { useUpdateHost } from '../api/update-host.ts';

const { name: NameSchema, uri: UriSchema } = CreateHostBodySchema.shape;
const first = (r: { error?: { issues: { message: string }[] } | undefined }) => r.error?.issues[0]?.message;

export function HostFormDialog({ host, onClose }: { host?: Host; onClose: () => void }) {
  const create = useCreateHost();
  const update = useUpdateHost();
  const mutation = host ? update : create;
  const [name, setName] = useState(host?.name ?? '');
  const [uri, setUri] = useState(host?.uri ?? '');
  const [migrationUri, setMigrationUri] = useState(host?.migrationUri ?? '');
  const [touched, setTouched] = useState(false);
  const errors = {
    name: first(NameSchema.safeParse(name)),
    uri: first(UriSchema.safeParse(uri)),
    migrationUri: migrationUri ? first(UriSchema.safeParse(migrationUri)) : undefined,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.name || errors.uri || errors.migrationUri) return;
    if (host) {
      update.mutate({ hostId: host.id, name, uri, migrationUri: migrationUri || null }, { onSuccess: onClose });
    } else {
      create.mutate({ name, uri, ...(migrationUri ? { migrationUri } : {}) }, {
        onSuccess: (h) => { onClose(); navigate(`/hosts/${h.id}`); },
      });
    }
  };
  return (
    <Dialog title={host ? `Edit host ${host.name}` : 'Add a host'} onClose={onClose} testId="host-form-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="host-form" className="primary" id="host-form-submit" disabled={mutation.isPending}>{host ? 'Save' : 'Add host'}</button>
      </>
    }>
      <form id="host-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="host-name" label="Name" error={touched ? errors.name : undefined}>
          <input value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="host-uri" label="libvirt URI" error={touched ? errors.uri : undefined}
          hint="qemu:///system for this machine, qemu+ssh://root@host/system or qemu+tls://host/system for another">
          <input value={uri} autoComplete="off" spellCheck={false} placeholder="qemu+ssh://root@host2/system" onChange={(e) => setUri(e.target.value)} />
        </Field>
        <Field id="host-migration-uri" label="Migration URI (optional)" error={touched ? errors.migrationUri : undefined}
          hint="How other hosts reach this one for migrations, when it differs from the URI above">
          <input value={migrationUri} autoComplete="off" spellCheck={false} onChange={(e) => setMigrationUri(e.target.value)} />
        </Field>
        {host && uri !== host.uri && <p className="notice">Changing the URI makes Ferry reconnect to the host.</p>}
        <ErrorMessage error={mutation.error} />
      </form>
    </Dialog>
  );
}
