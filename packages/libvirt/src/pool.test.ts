// The call pool starts one Worker and adds the next when calls outrun it.
import { describe, expect, it } from 'vitest';
import { isNotFound } from './index.ts';
import { useTestDriver } from './test-support/test-driver.ts';

const t = useTestDriver({ size: 2 });

describe('call pool', () => {
  it('starts one Worker, adds a second under load, and never more than its size', async () => {
    expect(t.lv.pool.workers).toBe(1);
    await t.conn.lookupDomainByName('test'); // one call at a time: one Worker is enough
    expect(t.lv.pool.workers).toBe(1);
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => t.conn.lookupDomainByName(`absent-${i}`).catch((e: unknown) => e)));
    expect(results.every(isNotFound)).toBe(true);
    expect(t.lv.pool.workers).toBe(2);
    await Promise.all(Array.from({ length: 400 }, (_, i) => t.conn.lookupDomainByName(`absent-${i}`).catch(() => null)));
    expect(t.lv.pool.workers).toBe(2);
  });
});
