// libvirt keeps the last error per thread; these tests prove every failure reaches its caller
// with its own code even when thousands fail at once across the pool's Workers.
import { describe, expect, it } from 'vitest';
import { constants as C, LibvirtError, isDisconnected, isNotFound, isTimeout } from './index.ts';
import { useTestDriver } from './test-support/test-driver.ts';

const t = useTestDriver({ size: 3, initialSize: 3 }); // all three from the start: the point is many threads at once

describe('errors under concurrency', () => {
  it('gives each of 1,200 concurrent failing calls its own error code', async () => {
    const running = (await t.conn.lookupDomainByName('test')).uuid;
    const kinds = [
      { call: (i: number) => t.conn.lookupDomainByName(`missing-${i}`), code: C.VIR_ERR_NO_DOMAIN, domain: C.VIR_FROM_TEST },
      { call: () => t.conn.defineDomain('<domain type='), code: C.VIR_ERR_XML_DETAIL, domain: C.VIR_FROM_DOMAIN },
      // the test driver reports "already running" as an internal error of its own
      { call: () => t.conn.domain(running).start(), code: C.VIR_ERR_INTERNAL_ERROR, domain: C.VIR_FROM_TEST },
      { call: (i: number) => t.conn.getNetwork(`missing-${i}`), code: C.VIR_ERR_NO_NETWORK, domain: C.VIR_FROM_TEST },
    ];
    const results = await Promise.all(Array.from({ length: 1200 }, (_, i) => {
      const k = kinds[i % kinds.length]!;
      return k.call(i).then(() => null, (e: unknown) => e);
    }));
    const wrong = results.filter((e, i) => {
      const k = kinds[i % kinds.length]!;
      return !(e instanceof LibvirtError && e.code === k.code && e.domain === k.domain && e.kind === 'libvirt');
    });
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(wrong).toHaveLength(0);
  });

  it('names codes and classifies them', async () => {
    const e = (await t.conn.lookupDomainByName('nope').catch((x: unknown) => x)) as LibvirtError;
    expect(e.codeName).toBe('ERR_NO_DOMAIN');
    expect(e.domainName).toBe('TEST');
    expect(e.fn).toBe('virDomainLookupByName');
    expect(isNotFound(e)).toBe(true);
    expect(isDisconnected(e)).toBe(false);
    expect(isTimeout(LibvirtError.timeout('x', 1))).toBe(true);
    expect(isDisconnected(new LibvirtError({ message: 'End of file while reading data', code: C.VIR_ERR_SYSTEM_ERROR, domain: C.VIR_FROM_RPC }))).toBe(true);
  });
});
