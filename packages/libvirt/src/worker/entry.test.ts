// Worker code from the setup-time bundle when it matches the sources, from the TypeScript
// otherwise; and the bundle itself runs libvirt calls with no tsx loaded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLibvirtWorkers } from '../../../../scripts/setup/build-libvirt-workers.mjs';
import { bundleState } from './entry.ts';
import type { CallReplies } from './protocol.ts';

const pkgRoot = new URL('../../', import.meta.url);
// Under the package's node_modules: gitignored, and the bundle's `koffi` import resolves from there.
const scratch = mkdtempSync(join(pkgRoot.pathname, 'node_modules', '.worker-bundle-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('bundleState', () => {
  it('is absent without a manifest, fresh while every input hashes the same, stale after an edit', () => {
    const root = join(scratch, 'pkg');
    mkdirSync(join(root, 'src'), { recursive: true });
    const url = pathToFileURL(`${root}/`);
    expect(bundleState(url).state).toBe('absent');
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/manifest.json'), JSON.stringify({ version: 1, bundles: { 'call-worker': 'call-worker.mjs' }, inputs: { 'src/a.ts': sha('export const a = 1;\n') } }));
    expect(bundleState(url).state).toBe('fresh');
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 2;\n');
    expect(bundleState(url).state).toBe('stale');
    rmSync(join(root, 'src/a.ts'));
    expect(bundleState(url).state).toBe('stale');
  });
});

describe('the call-worker bundle', () => {
  it('runs libvirt calls in a Worker started with no Node options at all', async () => {
    const out = join(scratch, 'dist');
    const { manifest } = await buildLibvirtWorkers({ outDir: out });
    expect(Object.keys(manifest.inputs)).toContain('src/worker/call-worker.ts');
    const worker = new Worker(join(out, manifest.bundles['call-worker']!), { execArgv: [] });
    try {
      const next = () => new Promise<unknown>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      await next(); // ready
      const reply = next();
      worker.postMessage({ batch: [{ id: 0, serial: 0, op: 'connectOpen', args: ['test:///default', false] }, { id: 1, serial: 0, op: 'connectOpen', args: ['nosuch:///x', false] }] });
      const { results } = (await reply) as CallReplies;
      expect(results[0]).toMatchObject({ id: 0, ok: true });
      expect(results[1]).toMatchObject({ id: 1, ok: false, error: { code: expect.any(Number) } });
      const closed = next();
      worker.postMessage({ batch: [{ id: 2, serial: 0, op: 'connectClose', args: [(results[0] as { value: bigint }).value] }] });
      expect(((await closed) as CallReplies).results[0]).toMatchObject({ ok: true });
    } finally {
      await worker.terminate();
    }
  });
});
