// What the upload form proposes for a chosen file: a volume name the API accepts (derived from
// the file name) and the format its extension suggests.
import { OBJECT_NAME_PATTERN, UPLOAD_FORMATS } from '@ferry/contract';
import type { UploadFormat } from '../api/upload-volume.ts';

export function volumeNameFor(fileName: string): string {
  const cleaned = fileName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return OBJECT_NAME_PATTERN.test(cleaned) ? cleaned : '';
}

export function formatFor(fileName: string): UploadFormat {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return ext === 'iso' ? 'iso' : ext === 'qcow2' ? 'qcow2' : 'raw';
}

export const FORMATS: readonly UploadFormat[] = UPLOAD_FORMATS;
