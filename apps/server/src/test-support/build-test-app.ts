// Builds the app as tests use it: in-memory SQLite, plain HTTP, no log output, and the first
// host (libvirt's test:///default driver) already connected.
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { openMemoryDatabase } from '../db/database.ts';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ FERRY_INSECURE_HTTP: '1', FERRY_DATA_DIR: '/nonexistent-unused', FERRY_LIBVIRT_URI: 'test:///default' }), ...overrides };
}

export async function buildTestApp(overrides: Partial<Config> = {}, extra: Pick<BuildOptions, 'events' | 'console'> = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(overrides), db: openMemoryDatabase(), logger: false, ...extra });
  await app.ready();
  // Tests act on the first host at once; in production it connects in the background.
  await app.hosts.get('local').waitConnected(10_000);
  return app;
}
