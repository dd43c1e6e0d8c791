// How a snapshot reads: its kind, where it lives and how consistent it is, in words; and the
// create form's values → the request body (with the contract's own name rule).
import { SnapshotNameSchema, type CreateSnapshotBody, type Snapshot, type SnapshotKindSchema } from '@ferry/contract';
import type { z } from 'zod';

export type KindChoice = 'auto' | z.infer<typeof SnapshotKindSchema>;

export const KIND_CHOICES: { value: KindChoice; label: string }[] = [
  { value: 'auto', label: 'Let Ferry choose (full when the VM runs, else disk-only)' },
  { value: 'full', label: 'Full: disks and memory (a running or paused VM)' },
  { value: 'disk', label: 'Disk-only' },
];

const CONSISTENCY: Record<Snapshot['consistency'], string> = {
  memory: 'with memory', offline: 'VM off', quiesced: 'file systems frozen', 'crash-consistent': 'crash-consistent', unknown: 'unknown',
};

/** Snapshots live for months: the date as well as the time. */
export const takenAt = (iso: string): string => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const kindText = (s: Snapshot): string => `${s.kind === 'full' ? 'full' : 'disk-only'}, ${s.location}`;
export const consistencyText = (s: Snapshot): string => CONSISTENCY[s.consistency];

export interface CreateForm {
  name: string;
  description: string;
  kind: KindChoice;
}

/** A name that is free and follows the rule, e.g. snap-20260101-1200. */
export function suggestName(now: Date, taken: readonly string[]): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const base = `snap-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}

export function nameError(name: string, taken: readonly string[]): string | undefined {
  if (!name) return 'A name is needed';
  const r = SnapshotNameSchema.safeParse(name);
  if (!r.success) return r.error.issues[0]?.message ?? 'not a valid name';
  if (taken.includes(name)) return 'This VM already has a snapshot of that name';
  return undefined;
}

export function toCreateBody(f: CreateForm): CreateSnapshotBody {
  return {
    name: f.name,
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    ...(f.kind === 'auto' ? {} : { kind: f.kind }),
  };
}
