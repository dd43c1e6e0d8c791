// Memory hygiene: every handle, string and array libvirt hands out is freed. 100,000 calls
// that allocate (lookups, XML strings, lists, typed-parameter arrays) must leave RSS flat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type Connection } from './index.ts';

let lv: Libvirt;
let conn: Connection;
beforeAll(async () => {
  lv = await Libvirt.start();
  conn = await lv.open('test:///default');
});
afterAll(() => lv.close());

describe('soak', () => {
  it('keeps RSS flat over 100,000 allocating calls', async () => {
    const uuid = (await conn.lookupDomainByName('test')).uuid;
    const d = conn.domain(uuid);
    const calls = [() => d.getInfo(), () => d.getXML(), () => conn.listDomains(), () => conn.getAllDomainStats(), () => conn.lookupDomainByName('nope').catch(() => null)];
    const rssMiB: number[] = [];
    let done = 0;
    for (let round = 0; round < 5; round++) {
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < 20_000) {
          const i = next++;
          await calls[i % calls.length]!();
          done++;
        }
      }));
      rssMiB.push(process.memoryUsage().rss / 2 ** 20);
    }
    expect(done).toBe(100_000);
    console.log(`RSS after each 20k calls (MiB): ${rssMiB.map((r) => r.toFixed(1)).join(', ')}`);
    // Round 1 warms up allocators and JIT; after that a leak of even ~100 bytes per call
    // would add ~8 MiB over the remaining 80k calls.
    expect(rssMiB[4]! - rssMiB[1]!).toBeLessThan(8);
  });
});
