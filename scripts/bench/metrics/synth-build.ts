// Builds the fan-out bench's synthetic-stats Worker (synth-worker.ts) to plain JavaScript, in
// run.ts before the server starts: the server (server.ts, itself bundled) only starts the Worker
// from the file named in SYNTH_WORKER, so esbuild's API is no part of the server's memory.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const entry = new URL('./synth-worker.ts', import.meta.url).pathname;
const outDir = new URL('../.out/', import.meta.url).pathname;
const koffi = createRequire(new URL('../../../packages/libvirt/package.json', import.meta.url)).resolve('koffi');

/** Bundles synth-worker.ts to .out/synth-worker.mjs (koffi stays the package's own import); returns its path. */
export async function buildSynthWorker(): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = `${outDir}synth-worker.mjs`;
  await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    plugins: [{ name: 'koffi', setup: (b) => { b.onResolve({ filter: /^koffi$/ }, () => ({ path: koffi, external: true })); } }],
  });
  return outfile;
}
