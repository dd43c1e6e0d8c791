// The upload dialog against a scripted XMLHttpRequest: progress events move the bar, the 202's
// task is followed to its end, and refusals show by code.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { apiError, mockFetch } from '../../../testing/fetch-mock.ts';
import { pool } from '../../../testing/fixtures.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { setSessionLostListener } from '../../../lib/api-client.ts';
import { sessionStore } from '../../../lib/session-store.ts';
import { UploadDialog } from './upload-dialog.tsx';

class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() { FakeXhr.last = this; }
  open(method: string, url: string) { this.method = method; this.url = url; }
  setRequestHeader(k: string, v: string) { this.headers[k.toLowerCase()] = v; }
  send(body: unknown) { this.body = body; }
  abort() { this.aborted = true; this.onabort?.(); }
  progress(loaded: number, total: number) { act(() => this.upload.onprogress?.({ loaded, total, lengthComputable: true })); }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    act(() => this.onload?.());
  }
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStore.clear();
});

function setup(taskAnswers: unknown[]) {
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  sessionStore.setCsrfToken('csrf-1');
  const f = mockFetch({ 'GET /api/v1/tasks/task0042': () => ({ body: taskAnswers.shift() }) });
  const onClose = vi.fn();
  renderWithClient(<UploadDialog hostId="local" pool={pool({ name: 'images', availableBytes: 10e9 })} onClose={onClose} />);
  return { f, onClose };
}

const pickFile = (name: string, bytes: number) =>
  fireEvent.change(screen.getByLabelText('Image file'), { target: { files: [new File([new Uint8Array(bytes)], name)] } });

const percent = () => screen.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('aria-valuenow');

describe('uploading an image', () => {
  it('shows the bytes going up, then the task checking the image, then the volume it made', async () => {
    const { f } = setup([
      { id: 'task0042', type: 'volume.upload', state: 'succeeded', result: { pool: 'images', volume: 'debian-12.iso', path: '/x', format: 'iso', capacityBytes: 4096 } },
    ]);
    pickFile('debian 12.iso', 4096);
    expect((screen.getByLabelText('Volume name') as HTMLInputElement).value).toBe('debian-12.iso');
    expect((screen.getByLabelText('Format') as HTMLSelectElement).value).toBe('iso');
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));

    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/storage/pools/images/volumes/upload?name=debian-12.iso&format=iso&hostId=local');
    expect(xhr.headers['content-type']).toBe('application/octet-stream');
    expect(xhr.headers['x-csrf-token']).toBe('csrf-1');
    expect((xhr.body as File).size).toBe(4096);
    expect(percent()).toBe('0');
    xhr.progress(1024, 4096);
    expect(percent()).toBe('25');
    expect(screen.getByTestId('upload-status').textContent).toContain('1.0 KiB of 4.0 KiB');
    xhr.progress(4096, 4096);
    expect(percent()).toBe('100');
    // The upload button stays off while the bytes go: no second upload of the same file.
    expect((screen.getByRole('button', { name: 'Upload' }) as HTMLButtonElement).disabled).toBe(true);
    xhr.answer(202, { taskId: 'task0042' });
    const done = await screen.findByTestId('upload-done');
    expect(done.textContent).toContain('debian-12.iso');
    expect(done.textContent).toContain('task0042');
    expect(f.called('GET', '/api/v1/tasks/task0042')[0]!.url).toContain('wait=30');
  });

  it('shows a refusal by its code and message, and a failed check with its task', async () => {
    setup([{ id: 'task0042', type: 'volume.upload', state: 'failed', error: { code: 'BAD_REQUEST', message: 'the qcow2 has a backing file' } }]);
    pickFile('disk.qcow2', 100);
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    FakeXhr.last!.answer(409, apiError(409, 'INSUFFICIENT_SPACE', 'the pool has 1 MiB free').body);
    let alert = await screen.findByTestId('error-message');
    expect(alert.dataset.code).toBe('INSUFFICIENT_SPACE');
    expect(alert.textContent).toContain('the pool has 1 MiB free');

    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    FakeXhr.last!.answer(202, { taskId: 'task0042' });
    await waitFor(() => expect(screen.getByTestId('error-message').textContent).toContain('backing file'));
    alert = screen.getByTestId('error-message');
    expect(alert.dataset.code).toBe('BAD_REQUEST');
    expect(screen.getByTestId('upload-status').textContent).toContain('task0042');
  });

  it('sends a lost session to the sign-in flow like any other call', async () => {
    const lost = vi.fn();
    setSessionLostListener(lost);
    setup([]);
    pickFile('disk.raw', 10);
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    FakeXhr.last!.answer(401, apiError(401, 'UNAUTHENTICATED', 'authentication required').body);
    await waitFor(() => expect(lost).toHaveBeenCalledTimes(1));
    expect((lost.mock.calls[0]![0] as { code: string }).code).toBe('UNAUTHENTICATED');
    setSessionLostListener(() => {});
  });

  it('cancels a running upload, and refuses a file larger than the pool\'s free space before sending', async () => {
    setup([]);
    pickFile('big.raw', 10);
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    const xhr = FakeXhr.last!;
    xhr.progress(5, 10);
    // A stray Escape does not throw the upload away unasked.
    fireEvent.keyDown(screen.getByTestId('upload-dialog'), { key: 'Escape' });
    expect(screen.getByTestId('upload-leaving').textContent).toContain('Closing cancels the upload');
    fireEvent.click(screen.getByRole('button', { name: 'Keep uploading' }));
    expect(xhr.aborted).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel upload' }));
    expect(xhr.aborted).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('upload-status')).toBeNull());

    FakeXhr.last = null;
    const huge = new File([new Uint8Array(1)], 'huge.raw');
    Object.defineProperty(huge, 'size', { value: 20e9 });
    fireEvent.change(screen.getByLabelText('Image file'), { target: { files: [huge] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await screen.findByText(/larger than the pool's free space/);
    expect(FakeXhr.last).toBeNull();
  });
});
