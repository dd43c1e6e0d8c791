#!/usr/bin/env node
// Bundles @ferry/libvirt's Worker entries (call-worker, event-worker) to plain JavaScript in
// packages/libvirt/dist/ (gitignored), so the Workers need no tsx at run time: ~30 MB less
// resident memory each (see packages/libvirt/src/worker/entry.ts, which decides at start-up
// whether the bundles match the sources and falls back to the TypeScript when they do not).
// prepare.sh runs it; it takes ~0.1 s and rewrites nothing when the bundles are current.
//
//   node scripts/setup/build-libvirt-workers.mjs [--out <dir>] [--quiet]
//
// dist/manifest.json lists the bundles and the SHA-256 of every source file that went into
// them; it is written last, so a reader never pairs a new manifest with old bundles.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/libvirt');
const ENTRIES = ['call-worker', 'event-worker'];

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Builds into `outDir` (default packages/libvirt/dist); returns the manifest and whether anything was written. */
export async function buildLibvirtWorkers({ outDir = path.join(PKG, 'dist') } = {}) {
  const manifestFile = path.join(outDir, 'manifest.json');
  const current = readManifest(manifestFile);
  if (current && isCurrent(current)) return { manifest: current, built: false };

  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: PKG,
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, `src/worker/${e}.ts`])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The native addon stays a package import, resolved from the bundle's place in the package.
    external: ['koffi'],
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs).sort()) inputs[file] = sha256(path.join(PKG, file));
  const manifest = { version: 1, bundles: Object.fromEntries(ENTRIES.map((e) => [e, `${e}.mjs`])), inputs };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${manifestFile}.part`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestFile}.part`, manifestFile);
  return { manifest, built: true };
}

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isCurrent(manifest) {
  if (manifest.version !== 1) return false;
  try {
    return Object.entries(manifest.inputs).every(([file, hash]) => sha256(path.join(PKG, file)) === hash);
  } catch {
    return false;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined;
  const { built } = await buildLibvirtWorkers(out ? { outDir: out } : {});
  if (!args.includes('--quiet')) console.log(`libvirt Worker bundles ${built ? 'built' : 'current'}: ${path.relative(process.cwd(), out ?? path.join(PKG, 'dist')) || '.'}`);
}
