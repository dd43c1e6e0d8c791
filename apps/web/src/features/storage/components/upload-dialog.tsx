// Upload an ISO or disk image into a pool: choose a file, check name and format, watch the bytes
// go (a real progress bar from the browser's upload events), then the server's check of the
// image as a task. Closing while bytes are in flight cancels the upload.
import { useState, type FormEvent } from 'react';
import { ObjectNameSchema, type StoragePool } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { Field } from '../../../components/field.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import type { UploadFormat } from '../api/upload-volume.ts';
import { useUploadVolume, type UploadState } from '../api/use-upload-volume.ts';
import { FORMATS, formatFor, volumeNameFor } from './upload-form-model.ts';

function Status({ state }: { state: UploadState }) {
  if (state.phase === 'idle') return null;
  const pct = state.phase === 'sending' ? (state.progress.total ? (state.progress.loaded / state.progress.total) * 100 : 0)
    : state.phase === 'failed' ? null : 100;
  return (
    <div className="wizard-step" data-testid="upload-status" data-phase={state.phase}>
      {state.phase !== 'failed' && (
        <p>
          <ProgressBar percent={pct} label="Upload progress" /> <span data-testid="upload-percent">{Math.floor(pct ?? 0)}%</span>{' '}
          {state.phase === 'sending' && <span className="muted">{formatBytes(state.progress.loaded)} of {formatBytes(state.progress.total)}</span>}
          {state.phase === 'checking' && <span className="muted">All bytes sent; checking the image (task {state.taskId})…</span>}
        </p>
      )}
      {state.phase === 'done' && (
        <p role="status" data-testid="upload-done">Uploaded as <strong>{state.result.volume}</strong> ({state.result.format}, {formatBytes(state.result.capacityBytes)}) — task {state.taskId} succeeded.</p>
      )}
      {state.phase === 'failed' && (
        <>
          <ErrorMessage error={state.error} title="Upload failed" />
          {state.taskId && <p className="muted">The task {state.taskId} in the task panel has the log.</p>}
        </>
      )}
    </div>
  );
}

export function UploadDialog({ hostId, pool, onClose }: { hostId: string; pool: StoragePool; onClose: () => void }) {
  const upload = useUploadVolume(hostId, pool.name);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [format, setFormat] = useState<UploadFormat>('raw');
  const [touched, setTouched] = useState(false);
  const busy = upload.state.phase === 'sending' || upload.state.phase === 'checking';
  const errors = {
    file: !file ? 'choose a file' : file.size === 0 ? 'the file is empty'
      : file.size > pool.availableBytes ? `larger than the pool's free space (${formatBytes(pool.availableBytes)})` : undefined,
    name: ObjectNameSchema.safeParse(name).error?.issues[0]?.message,
  };
  const choose = (f: File | null) => {
    setLeaving(false);
    setFile(f);
    upload.reset();
    if (f) {
      setName(volumeNameFor(f.name));
      setFormat(formatFor(f.name));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!errors.file && !errors.name && file) void upload.start(file, { name, format });
  };
  const [leaving, setLeaving] = useState(false);
  const close = () => {
    upload.cancel();
    onClose();
  };
  // Escape, × or a click beside the dialog while bytes are in flight would throw the upload
  // away: ask first. Once they are in, the server's task goes on without the dialog.
  const requestClose = () => (upload.state.phase === 'sending' ? setLeaving(true) : close());
  const done = upload.state.phase === 'done';
  return (
    <Dialog title={`Upload to ${pool.name}`} onClose={requestClose} testId="upload-dialog" footer={
      <>
        {upload.state.phase === 'sending'
          ? <button type="button" id="upload-cancel" onClick={upload.cancel}>Cancel upload</button>
          : <button type="button" id="upload-close" onClick={close}>{done ? 'Close' : 'Cancel'}</button>}
        {!done && <button type="submit" form="upload-form" className="primary" id="upload-submit" disabled={busy}>Upload</button>}
      </>
    }>
      <form id="upload-form" className="wizard-step" onSubmit={submit} noValidate>
        <Field id="upload-file" label="Image file" error={touched ? errors.file : undefined} hint="An installation ISO, or a qcow2 or raw disk image">
          <input type="file" accept=".iso,.qcow2,.img,.raw" disabled={busy} onChange={(e) => choose(e.target.files?.[0] ?? null)} />
        </Field>
        <Field id="upload-name" label="Volume name" error={touched ? errors.name : undefined}>
          <input value={name} disabled={busy} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="upload-format" label="Format" hint="A qcow2 with a backing file is refused">
          <select value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as UploadFormat)}>
            {FORMATS.map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        </Field>
        {file && <p className="muted">{formatBytes(file.size)}; the pool has {formatBytes(pool.availableBytes)} free.</p>}
        <Status state={upload.state} />
        {leaving && upload.state.phase === 'sending' && (
          <div className="error-message" role="alert" data-testid="upload-leaving">
            Closing cancels the upload.{' '}
            <button type="button" onClick={close}>Cancel the upload</button>{' '}
            <button type="button" onClick={() => setLeaving(false)}>Keep uploading</button>
          </div>
        )}
      </form>
    </Dialog>
  );
}
