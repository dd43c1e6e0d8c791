// The server bundle: what the build rewrites, when launch.mjs may trust it, and that the bundle
// itself serves Ferry with plain node (no tsx) — its dependencies, its Worker bundles, its docs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer, ownImportMeta, relativeSpecifier } from './build-server.mjs';
import { REPO_ROOT, serverBundleState } from '../../apps/server/bundle-state.mjs';
import { freePort } from '../testing/free-port.ts';

// Under apps/server/node_modules: gitignored, and as deep in the tree as dist/ is.
const scratch = mkdtempSync(join(REPO_ROOT, 'apps/server/node_modules/.server-bundle-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('relativeSpecifier', () => {
  it('always starts with ./ or ../, with forward slashes', () => {
    expect(relativeSpecifier('/r/apps/server/dist', '/r/node_modules/.pnpm/a@1/node_modules/a/index.js')).toBe('../../../node_modules/.pnpm/a@1/node_modules/a/index.js');
    expect(relativeSpecifier('/r/dist', '/r/dist/sub/x.js')).toBe('./sub/x.js');
  });
});

describe('ownImportMeta', () => {
  it('leaves a file without import.meta alone', () => {
    expect(ownImportMeta('export const a = 1;\n', '/r/src/a.ts', '/r/dist')).toBe('export const a = 1;\n');
  });

  it('gives a bundled file the url, dirname and filename it had as a source file', async () => {
    const out = join(scratch, 'meta', 'dist');
    const src = join(scratch, 'meta', 'src', 'deep', 'file.ts');
    const code = ownImportMeta('export const v = [import.meta.url, import.meta.dirname, import.meta.filename];\n', src, out);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'bundle.mjs'), code);
    const { v } = (await import(join(out, 'bundle.mjs'))) as { v: string[] };
    expect(v).toEqual([`file://${src}`, join(scratch, 'meta', 'src', 'deep'), src]);
  });
});

describe('serverBundleState', () => {
  it('is absent without a manifest, fresh while every input hashes the same and the bundle exists, stale otherwise', () => {
    const root = join(scratch, 'state');
    const dist = join(root, 'dist');
    mkdirSync(join(root, 'src'), { recursive: true });
    expect(serverBundleState({ distDir: dist, root }).state).toBe('absent');
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
    mkdirSync(dist);
    writeFileSync(join(dist, 'main.mjs'), '');
    writeFileSync(join(dist, 'chunk.mjs'), '');
    writeFileSync(join(dist, 'manifest.json'), JSON.stringify({ version: 1, bundles: { main: 'main.mjs' }, files: ['chunk.mjs', 'main.mjs'], inputs: { 'src/a.ts': sha('export const a = 1;\n') } }));
    expect(serverBundleState({ distDir: dist, root }).state).toBe('fresh');
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 2;\n');
    expect(serverBundleState({ distDir: dist, root })).toMatchObject({ state: 'stale', changed: 'src/a.ts' });
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
    rmSync(join(dist, 'main.mjs'));
    expect(serverBundleState({ distDir: dist, root })).toMatchObject({ state: 'stale', changed: 'dist/main.mjs (missing)' });
    writeFileSync(join(dist, 'main.mjs'), '');
    rmSync(join(dist, 'chunk.mjs'));
    expect(serverBundleState({ distDir: dist, root })).toMatchObject({ state: 'stale', changed: 'dist/chunk.mjs (missing)' });
    writeFileSync(join(dist, 'chunk.mjs'), '');
    rmSync(join(root, 'src/a.ts'));
    expect(serverBundleState({ distDir: dist, root }).state).toBe('stale');
    writeFileSync(join(dist, 'manifest.json'), JSON.stringify({ version: 2 }));
    expect(serverBundleState({ distDir: dist, root }).state).toBe('stale');
  });
});

describe('the server bundle', () => {
  it('is rebuilt only when needed, lists its sources and the lockfile, and keeps node_modules out', async () => {
    const out = join(scratch, 'dist-a');
    const first = await buildServer({ outDir: out });
    expect(first.built).toBe(true);
    expect(Object.keys(first.manifest.inputs)).toEqual(expect.arrayContaining(['apps/server/src/main.ts', 'packages/libvirt/src/worker/entry.ts', 'pnpm-lock.yaml']));
    expect(Object.keys(first.manifest.inputs).filter((f) => f.includes('node_modules'))).toEqual([]);
    // zod is bundled (one copy, its source held once), every other package imported from node_modules.
    const bundle = first.manifest.files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(bundle).not.toMatch(/node_modules\/\.pnpm\/(zod|fastify-type-provider-zod)@/);
    expect(bundle).toMatch(/from"[./]+node_modules\/\.pnpm\/fastify@/);
    expect((await buildServer({ outDir: out })).built).toBe(false);
    expect(serverBundleState({ distDir: out }).state).toBe('fresh');
  });

  it('builds other entries when asked (a benchmark\'s own script), and a bundle of other entries is not current', async () => {
    const out = join(scratch, 'dist-entries');
    const entries = { heap: 'apps/server/src/lib/startup-heap.ts' };
    const first = await buildServer({ outDir: out, entries });
    expect(first.built).toBe(true);
    expect(first.manifest.bundles).toEqual({ heap: 'heap.mjs' });
    expect(first.manifest.inputs).toHaveProperty(entries.heap);
    expect((await buildServer({ outDir: out, entries })).built).toBe(false);
    // The same directory asked for Ferry's server: what is there is current, but not that.
    expect((await buildServer({ outDir: out })).manifest.bundles).toEqual({ main: 'main.mjs' });
    expect((await buildServer({ outDir: out, entries })).built).toBe(true);
  });

  it('runs main.ts\'s first lines before any package loads: its entry imports only builtins and its own chunks', async () => {
    const out = join(scratch, 'dist-a');
    const { manifest } = await buildServer({ outDir: out });
    const entry = readFileSync(join(out, manifest.bundles.main!), 'utf8');
    const staticImports = [...entry.matchAll(/^import\b[^'"]*["']([^"']+)["']/gm)].map((m) => m[1]!);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((s) => !s.startsWith('node:') && !/^\.\/[\w-]+\.mjs$/.test(s))).toEqual([]);
    for (const s of staticImports.filter((x) => x.startsWith('./'))) expect(manifest.files).toContain(s.slice(2));
    expect(entry).toMatch(/holdYoungGeneration\(\);[\s\S]*await import\("\.\/start-\w+\.mjs"\)/);
  });

  it('is pure ASCII, so V8 holds its source one byte per character', async () => {
    const out = join(scratch, 'dist-a');
    const { manifest } = await buildServer({ outDir: out });
    for (const file of manifest.files) expect(readFileSync(join(out, file), 'latin1')).not.toMatch(/[^\x00-\x7f]/);
  });

  it('serves Ferry under plain node: API, docs, and a libvirt host through its Workers', async () => {
    const out = join(scratch, 'dist-b');
    const { manifest } = await buildServer({ outDir: out });
    const bundle = readFileSync(join(out, manifest.bundles.main!), 'utf8');
    expect(bundle).not.toMatch(/from "tsx/);
    const dataDir = join(scratch, 'data');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [join(out, manifest.bundles.main!)], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH, FERRY_INSECURE_HTTP: '1', FERRY_LISTEN: '127.0.0.1', FERRY_PORT: String(port), FERRY_DATA_DIR: dataDir,
        FERRY_ADMIN_PASSWORD: 'bundle-test-password', FERRY_LIBVIRT_URI: 'test:///default', FERRY_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          if ((await fetch(`${base}/api/v1/health`)).ok) break;
        } catch {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bundle did not answer: ${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const docs = await fetch(`${base}/api/docs/static/swagger-ui.css`);
      expect(docs.status).toBe(200);
      expect((await fetch(`${base}/api/v1/openapi.json`)).status).toBe(200);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bundle-test-password' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('ferry_session='))!.split(';')[0]!;
      let hosts: { items: { id: string; state: string }[] } = { items: [] };
      for (let i = 0; i < 100 && hosts.items[0]?.state !== 'connected'; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        hosts = (await (await fetch(`${base}/api/v1/hosts`, { headers: { cookie } })).json()) as typeof hosts;
      }
      expect(hosts.items).toMatchObject([{ id: 'local', state: 'connected' }]);
      expect(output).not.toMatch(/tsx/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
