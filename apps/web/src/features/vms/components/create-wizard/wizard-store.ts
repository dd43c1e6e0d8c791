// Whether the create wizard is open (it can be opened from the top bar, the tree, empty states).
import { useSyncExternalStore } from 'react';

let open: { hostId?: string } | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function openCreateWizard(opts: { hostId?: string } = {}): void {
  open = opts;
  emit();
}

export function closeCreateWizard(): void {
  open = null;
  emit();
}

export function useCreateWizard(): { hostId?: string } | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, () => open, () => open);
}
