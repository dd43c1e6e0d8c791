// A progress bar must never run backwards: a stale answer (a poll landing after an event, a
// phase reporting its own percentage) would make it jump back. Keeps the highest value seen
// for one key (a task id), starting again when the key changes.
import { useRef } from 'react';

export function useMonotonic(key: string | null, value: number | null): number | null {
  const seen = useRef<{ key: string | null; max: number | null }>({ key, max: null });
  if (seen.current.key !== key) seen.current = { key, max: null };
  if (value !== null && (seen.current.max === null || value > seen.current.max)) seen.current.max = value;
  return seen.current.max;
}
