import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DomainEvent } from './index.ts';
import { useTestDriver } from './test-support/test-driver.ts';

const DOMAIN_XML = (name: string) =>
  `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>`;

const t = useTestDriver();

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('domain events', () => {
  it('delivers lifecycle events with names and details, in order', async () => {
    const seen: DomainEvent<'lifecycle'>[] = [];
    const sub = await t.conn.subscribe('lifecycle', (e) => { if (e.domain.name === 'ev-order') seen.push(e); });
    const ref = await t.conn.defineDomain(DOMAIN_XML('ev-order'));
    const d = t.conn.domain(ref.uuid);
    await d.start();
    await d.suspend();
    await d.resume();
    await d.destroy();
    await d.undefine();
    await until(() => seen.length >= 6);
    sub.close();
    expect(seen.map((e) => e.eventName)).toEqual(['defined', 'started', 'suspended', 'resumed', 'stopped', 'undefined']);
    expect(seen[0]!.domain.uuid).toBe(ref.uuid);
    expect(seen.every((e) => e.kind === 'lifecycle' && typeof e.detail === 'number')).toBe(true);
  });

  it('scopes a subscription to one domain and stops after close()', async () => {
    const a = await t.conn.defineDomain(DOMAIN_XML('ev-a'));
    const b = await t.conn.defineDomain(DOMAIN_XML('ev-b'));
    const seen: string[] = [];
    const sub = await t.conn.subscribe('lifecycle', (e) => seen.push(`${e.domain.name}:${e.eventName}`), { domainUuid: a.uuid });
    await t.conn.domain(b.uuid).start();
    await t.conn.domain(a.uuid).start();
    await until(() => seen.includes('ev-a:started'));
    sub.close();
    await t.conn.domain(a.uuid).destroy();
    await t.conn.domain(b.uuid).destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['ev-a:started']);
    await t.conn.domain(a.uuid).undefine();
    await t.conn.domain(b.uuid).undefine();
  });

  it('delivers 2,000 events without loss', async () => {
    let n = 0;
    const ref = await t.conn.defineDomain(DOMAIN_XML('ev-many'));
    const sub = await t.conn.subscribe('lifecycle', () => { n++; }, { domainUuid: ref.uuid });
    const d = t.conn.domain(ref.uuid);
    for (let i = 0; i < 1000; i++) {
      await d.start();
      await d.destroy();
    }
    await until(() => n >= 2000, 10_000);
    sub.close();
    await d.undefine();
    expect(n).toBe(2000);
  });

  it('lets the process exit promptly while the event loop is blocked in poll()', () => {
    const child = fileURLToPath(new URL('./test-support/exit-while-polling.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const r = spawnSync(tsx, [child], { encoding: 'utf8', timeout: 20_000 });
    const exitCalledAt = Number(/exiting at (\d+)/.exec(r.stdout)?.[1]);
    expect(r.status).toBe(0); // a hang ends in the 20 s kill: status null
    expect(Date.now() - exitCalledAt).toBeLessThan(2000);
  });
});
