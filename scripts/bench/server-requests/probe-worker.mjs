// Entry of every Worker started under probe.mjs: answers heap reports, then imports the Worker's
// real entry (from --bench-probe-entry=…; its workerData is untouched). A Worker whose thread
// loops in a synchronous native call (@ferry/libvirt's event loop) never turns its own event
// loop, so it also reports, at most once a second, whenever it drains its port with
// receiveMessageOnPort() between iterations.
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import { CHANNEL, heapOf } from './probe.mjs';

const flag = '--bench-probe-entry=';
const i = process.argv.findIndex((a) => a.startsWith(flag));
const entry = process.argv[i].slice(flag.length);
process.argv.splice(i, 1);

const channel = new BroadcastChannel(CHANNEL);
const report = () => channel.postMessage({ threadId: wt.threadId, entry: String(wt.workerData?.entry ?? entry), ...heapOf() });
channel.onmessage = (e) => {
  if (e.data === 'report') report();
};
channel.unref();

let last = 0;
const receive = wt.receiveMessageOnPort;
wt.receiveMessageOnPort = (port) => {
  const now = Date.now();
  if (now - last > 1000) {
    last = now;
    report();
  }
  return receive(port);
};
syncBuiltinESMExports();

await import(entry);
