import { describe, expect, it } from 'vitest';
import { auditDiff, isSecretKey, sanitize } from './audit-diff.ts';

describe('sanitize', () => {
  it('drops keys that name a secret, at any depth and in any case', () => {
    const clean = sanitize({
      name: 'web', password: 'p1', nested: { Secret: 's', deeper: [{ token: 't', csrfToken: 'c', ticket: 'k', keep: 1 }] },
      newPassword: 'p2', password_hash: 'h', secretHash: 'sh', apiKey: 'ak', authorization: 'Bearer x',
    });
    expect(clean).toEqual({ name: 'web', nested: { deeper: [{ keep: 1 }] } });
    expect(JSON.stringify(clean)).not.toMatch(/p1|p2|"s"|"t"|"c"|"k"|Bearer/);
  });

  it('keeps harmless names that merely resemble secrets', () => {
    expect(isSecretKey('tokenId')).toBe(false);
    expect(isSecretKey('keyboard')).toBe(false);
    expect(isSecretKey('ticket')).toBe(true);
  });

  it('turns values into plain, bounded JSON', () => {
    expect(sanitize({ at: new Date('2024-01-02T03:04:05Z'), n: 10n, f: () => 1, u: undefined, inf: Infinity, buf: Buffer.from('abc') }))
      .toEqual({ at: '2024-01-02T03:04:05.000Z', n: '10', inf: null, buf: '[3 bytes]' });
    expect((sanitize('x'.repeat(5000)) as string).length).toBeLessThan(1100);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(JSON.stringify(sanitize(cyclic))).toContain('[too deep]');
  });
});

describe('auditDiff', () => {
  it('lists only the changed leaves, by JSON Pointer', () => {
    const before = { name: 'web', memoryMiB: 1024, disks: [{ pool: 'default', volume: 'a.qcow2' }], tags: ['x'], 'a/b': 1 };
    const after = { name: 'web', memoryMiB: 2048, disks: [{ pool: 'fast', volume: 'a.qcow2' }, { pool: 'default', volume: 'b.qcow2' }], tags: [], 'a/b': 2, description: 'new' };
    expect(auditDiff(before, after)).toEqual({
      changes: [
        { path: '/memoryMiB', before: 1024, after: 2048 },
        { path: '/disks/0/pool', before: 'default', after: 'fast' },
        { path: '/disks/1', after: { pool: 'default', volume: 'b.qcow2' } },
        { path: '/tags/0', before: 'x' },
        { path: '/a~1b', before: 1, after: 2 },
        { path: '/description', after: 'new' },
      ],
    });
  });

  it('records a creation or a deletion as one change of the whole object, without secrets', () => {
    expect(auditDiff(null, { name: 'h1', uri: 'qemu:///system', secret: 'x' })).toEqual({ changes: [{ path: '', before: null, after: { name: 'h1', uri: 'qemu:///system' } }] });
    expect(auditDiff({ name: 'h1' }, null)).toEqual({ changes: [{ path: '', before: { name: 'h1' }, after: null }] });
  });

  it('shows nothing for a secret-only change', () => {
    expect(auditDiff({ username: 'bob', password: 'old' }, { username: 'bob', password: 'new' })).toBeNull();
  });

  it('keeps the entry small: the first changes, and how many were left out', () => {
    const before = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i + 1]));
    const diff = auditDiff(before, after);
    expect(diff?.changes).toHaveLength(100);
    expect(diff?.omitted).toBe(50);
  });
});
