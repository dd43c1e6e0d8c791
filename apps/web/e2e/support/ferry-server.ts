// A real Ferry for the browser tests: `node apps/server/launch.mjs` in a child process, plain
// HTTP on 127.0.0.1 and a free port, a temporary data dir, a known admin password, and the
// host URI the test asks for (qemu:///system by default). Exactly what `npm start` runs, minus
// TLS: the server bundle when setup built it and it matches the sources, else the TypeScript.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../../scripts/testing/free-port.ts';

export const REPO = path.resolve(import.meta.dirname, '../../../..');
export const ADMIN_PASSWORD = 'e2e-admin-password';

export interface FerryServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server printed (for a failing test's report). */
  output(): string;
  stop(): Promise<void>;
}

export async function startFerry(opts: { libvirtUri?: string; logLevel?: string } = {}): Promise<FerryServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['apps/server/launch.mjs'], {
    cwd: REPO,
    env: {
      ...process.env,
      FERRY_INSECURE_HTTP: '1', FERRY_LISTEN: '127.0.0.1', FERRY_PORT: String(port), FERRY_DATA_DIR: dataDir,
      FERRY_ADMIN_PASSWORD: ADMIN_PASSWORD, FERRY_LIBVIRT_URI: opts.libvirtUri ?? 'qemu:///system', FERRY_LOG_LEVEL: opts.logLevel ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Ferry exited during start-up (code ${child.exitCode}):\n${out}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Ferry did not answer /api/v1/health within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, dataDir, output: () => out, stop };
}
