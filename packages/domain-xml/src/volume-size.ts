// libvirt's scaled sizes (`<capacity unit='KiB'>42</capacity>`) as plain byte counts, for pool
// and volume XML alike. libvirt writes `unit='bytes'` itself, but accepts (and a hand-edited
// definition may carry) any of its units; KB/MB/… are powers of 1000, K/KiB/M/MiB/… of 1024,
// case-insensitive, as virScaleInteger reads them.
import { attr, type XmlElement } from './xml.ts';

const UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, byte: 1, bytes: 1,
  k: 2 ** 10, kib: 2 ** 10, kb: 1e3,
  m: 2 ** 20, mib: 2 ** 20, mb: 1e6,
  g: 2 ** 30, gib: 2 ** 30, gb: 1e9,
  t: 2 ** 40, tib: 2 ** 40, tb: 1e12,
  p: 2 ** 50, pib: 2 ** 50, pb: 1e15,
  e: 2 ** 60, eib: 2 ** 60, eb: 1e18,
};

/**
 * The size an element states, in bytes; undefined when the element is absent, empty, not a
 * whole number or in an unknown unit, or when the result is not a safe integer (past 8 PiB:
 * no real pool or volume, and a number we could no longer compare exactly).
 */
export function parseScaledSize(el: XmlElement | undefined): number | undefined {
  if (!el || !/^\d+$/.test(el.text)) return undefined;
  const scale = UNITS[(attr(el, 'unit') ?? '').toLowerCase()];
  if (scale === undefined) return undefined;
  const bytes = Number(el.text) * scale;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
