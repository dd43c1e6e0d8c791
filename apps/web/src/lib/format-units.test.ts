import { describe, expect, it } from 'vitest';
import { formatBytes, parseSize, sizeText } from './format-units.ts';

const GiB = 2 ** 30;

describe('sizes as typed', () => {
  it('reads a bare number as GiB, and binary and decimal units as libvirt does', () => {
    expect(parseSize('20')).toEqual({ bytes: 20 * GiB });
    expect(parseSize(' 20G ')).toEqual({ bytes: 20 * GiB });
    expect(parseSize('1.5 TiB')).toEqual({ bytes: 1.5 * 2 ** 40 });
    expect(parseSize('512 mib')).toEqual({ bytes: 512 * 2 ** 20 });
    expect(parseSize('10 GB')).toEqual({ bytes: 10e9 });
    expect(parseSize('64', 'MiB')).toEqual({ bytes: 64 * 2 ** 20 });
  });

  it('rounds up to whole 512-byte sectors', () => {
    expect(parseSize('1.3 GiB').bytes! % 512).toBe(0);
    expect(parseSize('1.3 GiB').bytes).toBeGreaterThanOrEqual(1.3 * GiB);
    expect(parseSize('1 MB')).toEqual({ bytes: 1_000_448 });
  });

  it('refuses what is not a size', () => {
    expect(parseSize('').error).toBe('a size such as 20 GiB, 512 MiB or 1.5 TiB');
    expect(parseSize('-1').error).toBeDefined();
    expect(parseSize('0').error).toBe('must be larger than 0');
    expect(parseSize('3 parsecs').error).toBe('unknown unit parsecs: use MiB, GiB or TiB');
    expect(parseSize('1e3').error).toBeDefined();
  });

  it('writes a size back in the largest unit it is a whole number of', () => {
    expect(sizeText(20 * GiB)).toBe('20 GiB');
    expect(sizeText(1536 * 2 ** 20)).toBe('1536 MiB');
    expect(sizeText(1000)).toBe('1000 B');
    for (const b of [20 * GiB, 1536 * 2 ** 20, 2 ** 40, 4096]) expect(parseSize(sizeText(b)).bytes).toBe(b);
    expect(formatBytes(parseSize('1.5 TiB').bytes)).toBe('1.5 TiB');
  });
});
