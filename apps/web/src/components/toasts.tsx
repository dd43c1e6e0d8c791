// Short notices after an action ("Starting web-1 …", or an error by its code), read out by
// screen readers through a polite live region, gone after a few seconds.
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

let toasts: Toast[] = [];
let next = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function notify(text: string, kind: Toast['kind'] = 'info', ms = 5000): void {
  const id = next++;
  toasts = [...toasts, { id, kind, text }].slice(-5);
  emit();
  setTimeout(() => dismiss(id), ms);
}

function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function Toasts() {
  const list = useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, () => toasts, () => toasts);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          {t.text}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
