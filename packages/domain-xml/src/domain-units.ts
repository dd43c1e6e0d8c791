// libvirt memory sizes → KiB.
//
// libvirt accepts <memory unit='…'> in any of its scaled units and always writes KiB back, but
// XML we did not get from libvirt (or from an older libvirt) may carry any unit. The rules
// copied here are libvirt's virScaleInteger: units are case-insensitive; 'b'/'bytes' are bytes;
// a bare letter or '<letter>iB' is a power of 1024 ('M' = 'MiB'); '<letter>B' is a power of 1000
// ('MB' = 10^6 bytes); no unit means KiB. The byte count is then rounded *up* to whole KiB
// (virDomainParseMemory), so 1500 bytes is 2 KiB.
import { DomainXmlError } from './domain-error.ts';

const POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/** Bytes per one `unit`, or undefined for a unit libvirt would refuse. */
function unitBytes(unit: string): bigint | undefined {
  const u = unit.toLowerCase();
  if (u === 'b' || u === 'bytes') return 1n;
  const power = POWERS[u[0] ?? ''];
  if (power === undefined) return undefined;
  const rest = u.slice(1);
  const base = rest === '' || rest === 'ib' ? 1024n : rest === 'b' ? 1000n : undefined;
  return base === undefined ? undefined : base ** BigInt(power);
}

/** Convert a libvirt size (value text + unit attribute) to KiB, rounding up like libvirt. */
export function toKiB(value: string, unit: string | undefined = 'KiB'): number {
  if (!/^\d+$/.test(value.trim())) throw new DomainXmlError('invalid', `memory size ${JSON.stringify(value)} is not a whole number`);
  const scale = unitBytes(unit);
  if (scale === undefined) throw new DomainXmlError('invalid', `unknown memory unit ${JSON.stringify(unit)}`);
  const bytes = BigInt(value.trim()) * scale;
  const kib = (bytes + 1023n) / 1024n;
  if (kib > BigInt(Number.MAX_SAFE_INTEGER)) throw new DomainXmlError('invalid', 'memory size is out of range');
  return Number(kib);
}

/** A KiB amount for people: '1 GiB', '768 MiB', '1500 KiB'. */
export function formatKiB(kib: number): string {
  if (kib >= 1024 * 1024 && kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)} GiB`;
  if (kib >= 1024 && kib % 1024 === 0) return `${kib / 1024} MiB`;
  return `${kib} KiB`;
}
