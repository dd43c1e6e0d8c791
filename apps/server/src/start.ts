// Starts Ferry (main.ts imports this once the heap is set up for start-up): configuration,
// data dir, TLS, then listen. Start-up problems (bad config, unusable data dir, unusable
// certificate, port taken) end the process with one clear line, not a stack trace.
import { loadConfig } from './config.ts';
import { DataDirError, openDatabase } from './db/database.ts';
import { buildApp } from './app.ts';
import { ensureInitialAdmin } from './modules/auth/initial-admin.ts';
import { TlsError, loadConfiguredCertificate, loadOrCreateCertificate } from './lib/tls.ts';
import { trimNativeHeap } from '@ferry/libvirt';

/** How long start-up waits for the hosts' first connection before it counts as done. */
const STARTUP_HOSTS_WAIT_MS = 10_000;

export async function start(opts: { onListening?: () => void } = {}): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.dataDir);
  await ensureInitialAdmin(db, config, (line) => process.stdout.write(`${line}\n`));
  const tls = config.tls === null ? null
    : config.tls === 'self-signed' ? loadOrCreateCertificate(config.dataDir)
      : loadConfiguredCertificate(config.tls.cert, config.tls.key);
  const app = await buildApp({ config, db, ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}) });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.listen });
  opts.onListening?.();
  // Start-up ends once the hosts have answered (or not, within the wait): what it allocated and
  // freed in native memory — the libvirt Workers' and the module loader's threads above all —
  // would otherwise stay resident in malloc's per-thread arenas (see native-heap.ts).
  void Promise.allSettled(app.hosts.list().map((h) => h.waitConnected(STARTUP_HOSTS_WAIT_MS))).then(() => trimNativeHeap());
  const scheme = tls ? 'https' : 'http';
  const shown = config.listen === '0.0.0.0' || config.listen === '::' ? 'localhost' : config.listen;
  app.log.info({
    url: `${scheme}://${shown}:${config.port}/`, dataDir: config.dataDir,
    tls: tls ? (tls.generated ? 'self-signed (new)' : tls.certPath) : 'off',
    ...(tls ? { certificateSha256: tls.fingerprint256, certificateValidTo: tls.validTo } : {}),
  }, 'Ferry is listening');
}

/** Ends the process with one line on stderr: the message for known start-up failures, the stack for bugs. */
export function startFailed(e: unknown): never {
  // Known start-up failures, and the system's own errors from listen (EADDRINUSE, EACCES),
  // read well as their message alone; anything else is a bug and keeps its stack.
  const known = e instanceof DataDirError || e instanceof TlsError || (e instanceof Error && (e.message.startsWith('invalid configuration') || 'syscall' in e));
  const msg = known ? (e as Error).message : String((e as Error)?.stack ?? e);
  process.stderr.write(`ferry: cannot start: ${msg}\n`);
  process.exit(1);
}
