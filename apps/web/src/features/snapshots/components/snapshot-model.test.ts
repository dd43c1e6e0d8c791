import { describe, expect, it } from 'vitest';
import { nameError, suggestName, toCreateBody } from './snapshot-model.ts';

describe('the snapshot form model', () => {
  it('suggests a dated name that is not taken yet', () => {
    const now = new Date(2026, 0, 2, 3, 4);
    expect(suggestName(now, [])).toBe('snap-20260102-0304');
    expect(suggestName(now, ['snap-20260102-0304', 'snap-20260102-0304-2'])).toBe('snap-20260102-0304-3');
  });

  it('checks names with the contract\'s rule and against the VM\'s other snapshots', () => {
    expect(nameError('', [])).toBe('A name is needed');
    expect(nameError('../etc', [])).toMatch(/letters, digits/);
    expect(nameError('a..b', [])).toBe("no '..'");
    expect(nameError('before-upgrade', ['before-upgrade'])).toMatch(/already has/);
    expect(nameError('before-upgrade', [])).toBeUndefined();
  });

  it('sends only what was chosen: no kind lets the server decide', () => {
    expect(toCreateBody({ name: 's1', description: '  ', kind: 'auto' })).toEqual({ name: 's1' });
    expect(toCreateBody({ name: 's1', description: ' before the upgrade ', kind: 'disk' })).toEqual({ name: 's1', description: 'before the upgrade', kind: 'disk' });
  });
});
