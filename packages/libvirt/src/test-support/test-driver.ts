// A Libvirt client and a connection to libvirt's in-process test driver for one test file:
// opened before its tests, closed after them. `test:///default` is shared by every connection
// in a process, so tests use unique names for what they create.
import { afterAll, beforeAll } from 'vitest';
import { Libvirt, type Connection, type LibvirtOptions } from '../index.ts';

export interface TestDriver { lv: Libvirt; conn: Connection }

export function useTestDriver(opts: LibvirtOptions = {}): TestDriver {
  const ctx = {} as TestDriver;
  beforeAll(async () => {
    ctx.lv = await Libvirt.start(opts);
    ctx.conn = await ctx.lv.open('test:///default');
  });
  afterAll(() => ctx.lv.close());
  return ctx;
}
