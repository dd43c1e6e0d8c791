// Grow a volume. Never shrink: that would cut off the guest's data, and the server refuses it
// (SHRINK_REFUSED) — the form says so before sending. Growing takes the difference from the
// pool's free space (INSUFFICIENT_SPACE beyond it). The disk of a running VM is grown through
// the VM instead (the server answers INVALID_STATE here); every refusal shows by its code.
import { useState, type FormEvent } from 'react';
import type { StorageVolume } from '@ferry/contract';
import { Dialog } from '../../../components/dialog.tsx';
import { ErrorMessage } from '../../../components/error-message.tsx';
import { SizeField } from '../../../components/size-field.tsx';
import { formatBytes, parseSize, sizeText } from '../../../lib/format-units.ts';
import { useResizeVolume } from '../api/resize-volume.ts';

/** The problem with growing `current` to `bytes` in a pool with `available` free; undefined when there is none. */
export function growError(current: number, bytes: number, available: number | undefined): string | undefined {
  if (bytes < current) return `smaller than the volume is now (${formatBytes(current)}): volumes only grow, shrinking would destroy data`;
  if (bytes === current) return `that is its size now: give a larger one`;
  if (available !== undefined && bytes - current > available) return `grows it by ${formatBytes(bytes - current)}, but the pool has ${formatBytes(available)} free`;
  return undefined;
}

export function ResizeVolumeDialog({ volume, availableBytes, onClose }: { volume: StorageVolume; availableBytes?: number; onClose: () => void }) {
  const resize = useResizeVolume();
  const current = volume.capacityBytes;
  const [size, setSize] = useState(() => sizeText(current));
  const [touched, setTouched] = useState(false);
  const parsed = parseSize(size);
  const error = parsed.error ?? growError(current, parsed.bytes!, availableBytes);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (error) return;
    resize.mutate({ hostId: volume.hostId, pool: volume.pool, volume: volume.name, capacityBytes: parsed.bytes! }, { onSuccess: onClose });
  };
  return (
    <Dialog title={`Resize ${volume.name}`} onClose={onClose} testId="resize-volume-dialog" footer={
      <>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" form="resize-volume-form" className="primary" id="resize-volume-submit" disabled={resize.isPending}>Resize</button>
      </>
    }>
      <form id="resize-volume-form" className="wizard-step" onSubmit={submit} noValidate>
        <dl className="props">
          <div><dt>Current size</dt><dd data-testid="resize-current">{formatBytes(current)} <span className="muted">({current.toLocaleString('en-US')} bytes)</span></dd></div>
          <div><dt>Format</dt><dd>{volume.format}</dd></div>
          {availableBytes !== undefined && <div><dt>Pool free space</dt><dd>{formatBytes(availableBytes)}</dd></div>}
        </dl>
        <SizeField id="resize-size" label="New size" value={size} onChange={setSize} error={touched ? error : undefined} />
        <p className="muted form-note">Volumes only grow. A guest sees the extra space once its partition and file system are grown too.</p>
        <ErrorMessage error={resize.error} />
      </form>
    </Dialog>
  );
}
