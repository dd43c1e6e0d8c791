// The Migrate form's values → the request body (checked with the contract's schema, so a
// field error names the field), and a migration task's progress in words.
import { MigrateBodySchema, MigrationProgressSchema, type MigrateBody, type Task } from '@ferry/contract';
import { formatBytes, formatDuration } from '../../../lib/format-units.ts';
import type { StorageMode } from '../api/get-preflight.ts';

export interface MigrateForm {
  targetHostId: string;
  storage: StorageMode;
  live: boolean;
  autoConverge: boolean;
  postCopy: boolean;
  persistent: boolean;
  undefineSource: boolean;
  /** Number fields as typed; empty means the server's default. */
  bandwidthMiBps: string;
  maxDowntimeMs: string;
  timeoutS: string;
}

export const NUMBER_FIELDS = ['bandwidthMiBps', 'maxDowntimeMs', 'timeoutS'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];

export const initialForm = (targetHostId: string, running: boolean): MigrateForm => ({
  targetHostId, storage: 'shared', live: running, autoConverge: false, postCopy: false, persistent: true, undefineSource: true,
  bandwidthMiBps: '', maxDowntimeMs: '', timeoutS: '',
});

export type BodyResult = { ok: true; body: MigrateBody } | { ok: false; errors: Partial<Record<keyof MigrateForm, string>> };

export function toMigrateBody(f: MigrateForm, running: boolean): BodyResult {
  const errors: Partial<Record<keyof MigrateForm, string>> = {};
  const numbers: Partial<Record<NumberField, number>> = {};
  for (const k of NUMBER_FIELDS) {
    const raw = f[k].trim();
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isInteger(n)) errors[k] = 'a whole number';
    else numbers[k] = n;
  }
  const candidate = {
    targetHostId: f.targetHostId, storage: f.storage, persistent: f.persistent, undefineSource: f.undefineSource,
    // Live, auto-converge and post-copy only mean something for a guest that runs.
    ...(running ? { live: f.live, autoConverge: f.autoConverge, postCopy: f.postCopy } : {}),
    ...numbers,
  };
  const parsed = MigrateBodySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof MigrateForm | undefined;
      if (key && !errors[key]) errors[key] = issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors: Object.keys(errors).length ? errors : { targetHostId: 'pick a target host' } };
  return { ok: true, body: parsed.data };
}

/** "memory, 2.1 GiB of 4 GiB, 110 MiB/s, 12s left". */
export function describeMigration(task: Task): string | null {
  const p = MigrationProgressSchema.partial().safeParse(task.progress ?? {});
  if (!p.success) return null;
  const { phase, processedBytes, totalBytes, rateBps, etaS } = p.data;
  const words: string[] = [];
  if (phase) words.push(phase);
  if (processedBytes != null && totalBytes) words.push(`${formatBytes(processedBytes)} of ${formatBytes(totalBytes)}`);
  if (rateBps) words.push(`${formatBytes(rateBps)}/s`);
  if (etaS != null) words.push(`${formatDuration(etaS)} left`);
  return words.join(', ') || null;
}
