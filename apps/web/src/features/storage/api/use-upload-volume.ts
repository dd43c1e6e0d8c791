// The state of one upload, as the dialog shows it:
//   idle → sending (bytes, with progress) → checking (the task vets the image) → done | failed
// Cancelling while sending aborts the request (the server then deletes the partial volume).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { VolumeUploadResult } from '@ferry/contract';
import { taskKeys } from '../../tasks/api/task-keys.ts';
import { storageKeys } from './storage-keys.ts';
import { sendUpload, waitForUploadTask, type UploadProgress, type UploadQuery } from './upload-volume.ts';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; progress: UploadProgress }
  | { phase: 'checking'; taskId: string }
  | { phase: 'done'; taskId: string; result: VolumeUploadResult }
  | { phase: 'failed'; error: unknown; taskId?: string };

const taskIdOf = (e: unknown): string | undefined => {
  const d = (e as { details?: { taskId?: unknown } } | null)?.details;
  return typeof d?.taskId === 'string' ? d.taskId : undefined;
};

export function useUploadVolume(hostId: string, pool: string) {
  const qc = useQueryClient();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const start = useCallback(async (file: Blob, query: Omit<UploadQuery, 'hostId'>) => {
    const ctl = new AbortController();
    abort.current = ctl;
    setState({ phase: 'sending', progress: { loaded: 0, total: file.size } });
    let taskId: string | undefined;
    try {
      const accepted = await sendUpload(pool, { ...query, hostId }, file, (progress) => setState({ phase: 'sending', progress }), ctl.signal);
      taskId = accepted.taskId;
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      setState({ phase: 'checking', taskId });
      const result = await waitForUploadTask(taskId, ctl.signal);
      setState({ phase: 'done', taskId, result });
    } catch (error) {
      if (ctl.signal.aborted) setState({ phase: 'idle' });
      else setState({ phase: 'failed', error, ...(taskId ?? taskIdOf(error) ? { taskId: taskId ?? taskIdOf(error)! } : {}) });
    } finally {
      if (abort.current === ctl) abort.current = null;
      void qc.invalidateQueries({ queryKey: storageKeys.volumes(hostId, pool) });
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
    }
  }, [hostId, pool, qc]);

  const cancel = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, cancel, reset };
}
