// The architecture's floor for the idle-RSS goal: what ARCHITECTURE.md's libvirt threading model
// costs before any of Ferry's own code runs. It is the hello-ws baseline (Fastify + ws, logger
// off) plus only what that model requires: libvirt.so loaded through koffi, one Worker running
// virEventRunDefaultImpl() forever (the event loop keepalive, events and the close callback
// need), one Worker holding the connection and calling libvirt synchronously (thread-local
// errors), and qemu:///system opened with keepalive on. No API routes, no database, no
// contract, no sampler: any real Ferry is heavier than this process.
//
// Plain JavaScript under plain node (run.ts starts it with the serve script's flags, like the
// others). Env: BENCH_PORT (required), BENCH_LIBVIRT_URI (qemu:///system).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const requireFrom = (pkg) => createRequire(fileURLToPath(new URL(`../../../${pkg}/package.json`, import.meta.url)));

if (isMainThread) {
  const { default: Fastify } = await import(requireFrom('apps/server').resolve('fastify'));
  const { WebSocketServer } = await import('ws');
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  const wss = new WebSocketServer({ server: app.server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));

  const start = (role) => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { role, uri: process.env.BENCH_LIBVIRT_URI ?? 'qemu:///system' }, execArgv: [] });
    w.once('message', (m) => (m === 'ready' ? resolve(w) : reject(new Error(String(m)))));
    w.once('error', reject);
  });
  // The event loop is registered before any connection is opened, as libvirt requires.
  const workers = [await start('event-loop'), await start('calls')];
  for (const w of workers) w.unref();
  // The event-loop Worker sits in poll() and would hold process.exit() forever (ARCHITECTURE.md);
  // a probe has nothing to flush, so it ends at once.
  process.on('SIGTERM', () => process.kill(process.pid, 'SIGKILL'));
  await app.listen({ port: Number(process.env.BENCH_PORT), host: '127.0.0.1' });
} else {
  const { default: koffi } = await import(requireFrom('packages/libvirt').resolve('koffi'));
  const lib = koffi.load('libvirt.so.0');
  if (workerData.role === 'event-loop') {
    const register = lib.func('int virEventRegisterDefaultImpl(void)');
    const run = lib.func('int virEventRunDefaultImpl(void)');
    if (register() < 0) throw new Error('virEventRegisterDefaultImpl failed');
    parentPort.postMessage('ready');
    for (;;) run();
  } else {
    const open = lib.func('void *virConnectOpen(const char *uri)');
    const keepAlive = lib.func('int virConnectSetKeepAlive(void *conn, int interval, unsigned int count)');
    const count = lib.func('int virConnectNumOfDomains(void *conn)');
    const conn = open(workerData.uri);
    if (!conn) throw new Error(`virConnectOpen(${workerData.uri}) failed`);
    keepAlive(conn, 5, 5);
    count(conn);
    parentPort.postMessage('ready');
    // Idle, but alive: one cheap call every 2 s, as a sampler would make.
    setInterval(() => count(conn), 2000);
  }
}
