// Numbers as people read them: sizes, durations, times.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${UNITS[i]}`;
}

export const formatMiB = (mib: number): string => formatBytes(mib * 1024 * 1024);

// Sizes as people type them: "20" (GiB), "20G", "1.5 TiB", "512 MiB". K, M, G, T and their
// KiB… spellings are powers of 1024 (as qemu-img and libvirt read them); KB, MB, GB and TB are
// powers of 1000, as libvirt reads those. The result is rounded up to whole 512-byte sectors:
// qemu-img refuses a qcow2 size that is not a multiple of 512.
const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gib: 2 ** 30, t: 2 ** 40, tib: 2 ** 40,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
};
const SECTOR = 512;

export type ParsedSize = { bytes: number; error?: undefined } | { bytes?: undefined; error: string };

export function parseSize(text: string, defaultUnit = 'GiB'): ParsedSize {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!m) return { error: 'a size such as 20 GiB, 512 MiB or 1.5 TiB' };
  const unit = SIZE_UNITS[(m[2] || defaultUnit).toLowerCase()];
  if (unit === undefined) return { error: `unknown unit ${m[2]}: use MiB, GiB or TiB` };
  const bytes = Math.ceil((Number(m[1]) * unit) / SECTOR) * SECTOR;
  if (!(bytes > 0)) return { error: 'must be larger than 0' };
  if (!Number.isSafeInteger(bytes)) return { error: 'too large' };
  return { bytes };
}

/** A size as parseSize reads it back exactly: the largest binary unit it is a whole number of. */
export function sizeText(bytes: number): string {
  for (const [unit, factor] of [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor} ${unit}`;
  }
  return `${bytes} B`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0) return '—';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleTimeString();
}
