// Closing a connection that has event callbacks on a real daemon (qemu:///system). The callbacks
// hold references on the connection; deregistering one after virConnectClose used to dispose of
// the connection inside the deregistration and deadlock the event-loop Worker for good (no more
// events, no keepalive, and Libvirt.close() never returned). Connection.close() now waits for
// the Worker to have deregistered them first.
import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_IDS, Libvirt, type DomainEventKind } from './index.ts';
import { daemonAnswers } from '../../../scripts/testing/libvirtd.ts';

const KINDS = Object.keys(DOMAIN_EVENT_IDS) as DomainEventKind[];

describe('closing a connection with event callbacks', () => {
  it('never deadlocks the event loop, and events still flow on the next connection', async () => {
    if (!daemonAnswers()) throw new Error('libvirtd is not answering on qemu:///system (scripts/setup/prepare.sh starts it)');
    const lv = await Libvirt.start({ size: 2 });
    for (let i = 0; i < 10; i++) {
      const conn = await lv.open('qemu:///system');
      await Promise.all(KINDS.map((k) => conn.subscribe(k, () => undefined)));
      await conn.close();
    }
    // The Worker still answers: a subscription on a fresh connection completes.
    const conn = await lv.open('qemu:///system');
    const sub = await conn.subscribe('lifecycle', () => undefined);
    sub.close();
    await conn.close();
    const closed = await Promise.race([lv.close().then(() => true), new Promise((r) => setTimeout(() => r(false), 20_000))]);
    expect(closed).toBe(true);
  }, 60_000);
});
