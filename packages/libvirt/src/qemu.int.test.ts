// A real guest on the real daemon: define, boot, talk to its serial console, ACPI shutdown,
// undefine — and every lifecycle step seen through the event subscription.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt, type Connection, type DomainEvent, constants as C, isNotFound } from './index.ts';
import { ConsoleReader } from '../../../scripts/testing/console-reader.ts';
import { tinyDomain, type TinyDomain } from '../../../scripts/tinyguest/domain.ts';
import { MARKERS } from '../../../scripts/tinyguest/tinyguest.ts';

let lv: Libvirt;
let conn: Connection;
let tiny: TinyDomain;
beforeAll(async () => {
  lv = await Libvirt.start();
  conn = await lv.open('qemu:///system');
  tiny = await tinyDomain('boot');
});
afterAll(async () => {
  const ref = await conn.lookupDomainByName(tiny.name).catch(() => null);
  if (ref) {
    await conn.domain(ref.uuid).destroy().catch(() => undefined);
    await conn.domain(ref.uuid).undefine().catch(() => undefined);
  }
  tiny.cleanup();
  await lv.close();
});

describe('tinyguest on qemu:///system', () => {
  it('boots, answers on its serial console, powers off by ACPI, with every lifecycle event', async () => {
    const events: DomainEvent<'lifecycle'>[] = [];
    const sub = await conn.subscribe('lifecycle', (e) => { if (e.domain.name === tiny.name) events.push(e); });

    const ref = await conn.defineDomain(tiny.xml);
    const dom = conn.domain(ref.uuid);
    expect(await dom.getXML(C.VIR_DOMAIN_XML_INACTIVE)).toContain("<domain type='qemu'");
    await dom.start();
    const serial = new ConsoleReader(await conn.openConsole(ref.uuid));

    const ready = await serial.waitFor(MARKERS.ready, 60_000);
    expect(Number(ready[2])).toBe(1); // first boot of this disk
    await serial.waitFor('login: ', 30_000);
    const mark = serial.text.length;
    await serial.type('root\r');
    await serial.waitFor('# ', 15_000, mark);
    await serial.type('cat /data/bootcount\r');
    await serial.waitFor(/\r?\n1\r?\n/, 15_000, mark);

    const t0 = Date.now();
    await dom.shutdown(); // ACPI power button
    while ((await dom.getState()).state !== C.VIR_DOMAIN_SHUTOFF) {
      expect(Date.now() - t0).toBeLessThan(15_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`ACPI shutdown → shut off in ${Date.now() - t0} ms`);
    expect(serial.text).toContain(MARKERS.powerButton);
    await serial.stream.abort();

    await dom.undefine();
    await expect(dom.getState()).rejects.toSatisfy(isNotFound);
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.eventName === 'undefined') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sub.close();

    const names = events.map((e) => e.eventName);
    const expected = ['defined', 'started', 'shutdown', 'stopped', 'undefined'];
    expect(names.filter((n) => expected.includes(n))).toEqual(expected);
    const stopped = events.find((e) => e.eventName === 'stopped')!;
    expect(stopped.detail).toBe(C.VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
  });
});
