import { describe, expect, it } from 'vitest';
import { task } from '../../../testing/fixtures.ts';
import { describeMigration, initialForm, toMigrateBody } from './migrate-model.ts';

describe('the migrate form model', () => {
  it('sends the options for a running VM, numbers only when given', () => {
    const f = { ...initialForm('h2', true), storage: 'copy' as const, bandwidthMiBps: '200', timeoutS: ' 600 ' };
    expect(toMigrateBody(f, true)).toEqual({
      ok: true,
      body: { targetHostId: 'h2', storage: 'copy', live: true, autoConverge: false, postCopy: false, persistent: true, undefineSource: true, bandwidthMiBps: 200, timeoutS: 600 },
    });
  });

  it('leaves out the live-only options for a stopped VM', () => {
    const r = toMigrateBody({ ...initialForm('h2', false), live: true, postCopy: true }, false);
    expect(r).toEqual({ ok: true, body: { targetHostId: 'h2', storage: 'shared', persistent: true, undefineSource: true } });
  });

  it('names the field that is wrong', () => {
    expect(toMigrateBody({ ...initialForm('h2', true), bandwidthMiBps: '1.5' }, true)).toEqual({ ok: false, errors: { bandwidthMiBps: 'a whole number' } });
    const r = toMigrateBody({ ...initialForm('h2', true), maxDowntimeMs: '0' }, true);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.maxDowntimeMs).toBeTruthy();
  });

  it('puts a migration\'s progress in words', () => {
    const t = task({ type: 'vm.migrate', progress: { phase: 'memory', percent: 40, processedBytes: 1024 ** 3, totalBytes: 4 * 1024 ** 3, rateBps: 100 * 1024 ** 2, etaS: 12,
      iteration: 1, remainingBytes: null, dirtyRatePps: null, expectedDowntimeMs: null } });
    expect(describeMigration(t)).toBe('memory, 1.0 GiB of 4.0 GiB, 100 MiB/s, 12s left');
    expect(describeMigration(task({ progress: {} }))).toBeNull();
  });
});
