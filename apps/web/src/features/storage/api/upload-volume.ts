// Uploads an image into a new volume: POST /storage/pools/:pool/volumes/upload with the file as
// an application/octet-stream body. The one call that does not go through `api()`, because
// fetch() cannot report upload progress — XMLHttpRequest can. URL, query and answer still come
// from the contract's route entry. The browser sets Content-Length from the File (the server
// refuses chunked bodies). The 202 comes once every byte is in; the task then checks the image,
// and its result names the volume.
import { CSRF_HEADER, routes, type UploadQuerySchema, type VolumeUploadResult } from '@ferry/contract';
import type { z } from 'zod';
import { api, buildUrl, reportSessionLost, toApiError, type ResultOf } from '../../../lib/api-client.ts';
import { ApiError } from '../../../lib/api-error.ts';
import { sessionStore } from '../../../lib/session-store.ts';

export type UploadQuery = z.input<typeof UploadQuerySchema>;
export type UploadFormat = UploadQuery['format'];

export interface UploadProgress {
  loaded: number;
  total: number;
}

export function sendUpload(pool: string, query: UploadQuery, file: Blob, onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal): Promise<ResultOf<'uploadVolume'>> {
  const route = routes.uploadVolume;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(route.method, buildUrl(route.path, { pool }, query));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = sessionStore.csrfToken();
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ResultOf<'uploadVolume'>);
        } catch {
          reject(new ApiError('BAD_RESPONSE', 'the server sent an answer that is not JSON', xhr.status));
        }
        return;
      }
      const status = xhr.status >= 400 && xhr.status <= 599 ? xhr.status : 500;
      void toApiError(new Response(xhr.responseText, { status, statusText: xhr.statusText })).then((err) => {
        reportSessionLost(err);
        reject(err);
      });
    };
    xhr.onerror = () => reject(new ApiError('NETWORK_ERROR', 'the upload was cut off: Ferry could not be reached', 0));
    xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Long-polls the upload's task until it ends; the volume it made, or its error. */
export async function waitForUploadTask(taskId: string, signal?: AbortSignal): Promise<VolumeUploadResult> {
  for (;;) {
    const t = await api('getTask', { params: { taskId }, query: { wait: 30 } }, { signal });
    if (t.state === 'succeeded') return t.result as VolumeUploadResult;
    if (t.state !== 'queued' && t.state !== 'running') {
      throw new ApiError(t.error?.code as ApiError['code'] ?? 'INTERNAL', t.error?.message ?? `the upload task ended ${t.state}`, 0);
    }
  }
}
