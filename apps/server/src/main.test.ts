// `main.ts` as an operator runs it: a bad configuration, an unusable data dir, a broken
// certificate or a taken port end the process with exit code 1 and one clear line on stderr;
// a good one serves HTTPS with a certificate it made on first run and stops on SIGTERM.
import { spawn } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/testing/free-port.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'apps/server/src/main.ts');
const tmp = mkdtempSync(path.join(tmpdir(), 'ferry-main-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Starts main.ts with exactly these FERRY_* variables; `until` resolves early on a stdout match. */
function start(env: Record<string, string>, until?: RegExp) {
  const child = spawn(TSX, [MAIN], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, FERRY_LIBVIRT_URI: 'test:///default', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const ready = until ? new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => { if (until.test(stdout)) resolve(stdout); });
    void exited.then((r) => reject(new Error(`exited ${r.code} before ${until}: ${r.stderr}`)));
  }) : null;
  return { child, exited, ready };
}

function expectOneLineRefusal(run: Run, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning'));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ferry: cannot start: /);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe.concurrent('main.ts refuses to start, in one line and exit code 1', () => {
  it('on a bad configuration value', async () => {
    expectOneLineRefusal(await start({ FERRY_PORT: 'eighty', FERRY_DATA_DIR: path.join(tmp, 'd1') }).exited, /invalid configuration: FERRY_PORT/);
  });

  it('on a certificate without its key', async () => {
    expectOneLineRefusal(await start({ FERRY_TLS_CERT: '/x.crt', FERRY_DATA_DIR: path.join(tmp, 'd2') }).exited, /FERRY_TLS_CERT and FERRY_TLS_KEY go together/);
  });

  it('on a data dir that cannot be created', async () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, '');
    expectOneLineRefusal(await start({ FERRY_DATA_DIR: path.join(file, 'data') }).exited, /data dir .*a-file\/data is not usable/);
  });

  it('on a configured certificate that cannot be read', async () => {
    expectOneLineRefusal(
      await start({ FERRY_DATA_DIR: path.join(tmp, 'd3'), FERRY_TLS_CERT: '/nonexistent/c.pem', FERRY_TLS_KEY: '/nonexistent/k.pem' }).exited,
      /cannot read the TLS certificate \/nonexistent\/c\.pem: ENOENT/,
    );
  });

  it('on a port already taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as net.AddressInfo;
      const run = await start({ FERRY_DATA_DIR: path.join(tmp, 'd4'), FERRY_PORT: String(port), FERRY_LISTEN: '127.0.0.1', FERRY_INSECURE_HTTP: '1' }).exited;
      expectOneLineRefusal(run, /EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});

describe('main.ts with a good configuration', () => {
  it('makes a certificate, serves HTTPS, logs JSON lines without the admin password, and stops on SIGTERM', async () => {
    const port = await freePort();
    const password = 'main-test-admin-pw-Xy8';
    const { child, exited, ready } = start({
      FERRY_DATA_DIR: path.join(tmp, 'good'), FERRY_PORT: String(port), FERRY_LISTEN: '127.0.0.1', FERRY_ADMIN_PASSWORD: password,
    }, /Ferry is listening/);
    try {
      await ready;
      const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, path: '/api/v1/health', rejectUnauthorized: false, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }).on('error', reject);
      });
      expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
    } finally {
      child.kill('SIGTERM');
    }
    const run = await exited;
    expect(run.code, run.stderr).toBe(0);
    const logLines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
    const listening = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Ferry is listening');
    expect(listening).toMatchObject({ url: `https://127.0.0.1:${port}/`, tls: 'self-signed (new)' });
    expect(listening?.certificateSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(run.stdout + run.stderr).not.toContain(password);
  });
});
