// The baselines of the server-requests bench: a bare Fastify hello-world (`GET /` →
// `{ hello: 'world' }`, logger off), and with BENCH_WS=1 the same plus a `ws` WebSocket server
// on the same HTTP server (the "bare Fastify + ws" RSS baseline).
//
// Plain JavaScript, so it runs under plain `node` as well as under `node --import tsx` (run.ts
// starts it both ways). Fastify is loaded from apps/server's own dependencies, so it is the
// very copy (and version) Ferry runs; ws comes from the root devDependencies.
//
// Env: BENCH_PORT (required), BENCH_WS ('1' adds ws). Listens on 127.0.0.1; SIGTERM closes it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const serverPkg = fileURLToPath(new URL('../../../apps/server/package.json', import.meta.url));
const { default: Fastify } = await import(createRequire(serverPkg).resolve('fastify'));

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

if (process.env.BENCH_WS === '1') {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ server: app.server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  app.addHook('onClose', (_app, done) => wss.close(() => done()));
}

process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0), () => process.exit(1));
});

await app.listen({ port: Number(process.env.BENCH_PORT), host: '127.0.0.1' });
