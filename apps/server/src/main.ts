// Starts Ferry: configuration, data dir, TLS, then listen. Start-up problems (bad config,
// unusable data dir) end the process with one clear line, not a stack trace.
import { loadConfig } from './config.ts';
import { DataDirError, openDatabase } from './db/database.ts';
import { buildApp } from './app.ts';
import { loadConfiguredCertificate, loadOrCreateCertificate } from './lib/tls.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.dataDir);
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
  const scheme = tls ? 'https' : 'http';
  const shown = config.listen === '0.0.0.0' || config.listen === '::' ? 'localhost' : config.listen;
  app.log.info({ url: `${scheme}://${shown}:${config.port}/`, dataDir: config.dataDir, tls: tls ? (tls.generated ? 'self-signed (new)' : tls.certPath) : 'off' }, 'Ferry is listening');
}

main().catch((e: unknown) => {
  const msg = e instanceof DataDirError || (e instanceof Error && e.message.startsWith('invalid configuration')) ? e.message : String((e as Error)?.stack ?? e);
  process.stderr.write(`ferry: cannot start: ${msg}\n`);
  process.exit(1);
});
