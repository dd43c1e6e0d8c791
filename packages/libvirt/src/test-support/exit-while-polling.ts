// Child process for events.test.ts: opens a connection and subscribes, so the event-loop
// Worker sits blocked in poll(), then calls process.exit() without closing anything.
import { Libvirt } from '../index.ts';

const lv = await Libvirt.start();
const conn = await lv.open('test:///default');
await conn.subscribe('lifecycle', () => undefined);
await new Promise((r) => setTimeout(r, 200));
console.log(`exiting at ${Date.now()}`);
process.exit(0);
