// Light and dark themes: CSS variables keyed by <html data-theme>. The choice is remembered;
// without one the system's preference applies. Set before the first render (main.tsx) — not
// by an inline script, which the server's CSP forbids.
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'ferry.theme';
const listeners = new Set<() => void>();

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

function system(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

let current: Theme = typeof window === 'undefined' ? 'light' : stored() ?? system();

export function applyTheme(theme: Theme = current): void {
  current = theme;
  document.documentElement.dataset.theme = theme;
  for (const l of listeners) l();
}

export function setTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // not remembered; still applied
  }
  applyTheme(theme);
}

export function useTheme(): Theme {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, () => current, () => current);
}
