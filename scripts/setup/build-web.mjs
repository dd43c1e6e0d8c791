#!/usr/bin/env node
// Builds the web dashboard (apps/web) into apps/web/dist/ (gitignored), which the server serves
// at `/`. prepare.sh runs it, so `npm start` and `npm test` always serve a current build; it
// rebuilds only when an input changed (~0.05 s to find out, ~5 s to build).
//
//   node scripts/setup/build-web.mjs [--force] [--quiet]
//
// Inputs: apps/web (sources, index.html, public/, configs, package.json), packages/contract
// (the schemas the client is typed and validated with) and pnpm-lock.yaml. Their SHA-256 goes to
// dist/.build-stamp, written last. The build goes to dist.next/ and replaces dist/ only once
// complete, so a running server never serves half a build. Scripts, styles and SVGs also get
// .br and .gz siblings, which the server sends to browsers that accept them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = path.join(ROOT, 'apps/web');
const DIST = path.join(WEB, 'dist');
const NEXT = path.join(WEB, 'dist.next');
const STAMP = path.join(DIST, '.build-stamp');
const INPUTS = ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/package.json', 'packages/contract/src', 'pnpm-lock.yaml'];

function* files(rel) {
  const full = path.join(ROOT, rel);
  if (!existsSync(full)) return;
  if (statSync(full).isFile()) {
    yield rel;
    return;
  }
  for (const name of readdirSync(full).sort()) {
    if (name === 'node_modules' || /\.test\.tsx?$/.test(name)) continue;
    yield* files(path.join(rel, name));
  }
}

/** One hash over every input file's path and content. */
export function inputsHash() {
  const h = createHash('sha256');
  for (const input of INPUTS) {
    for (const f of files(input)) h.update(`${f}\0`).update(readFileSync(path.join(ROOT, f))).update('\0');
  }
  return h.digest('hex');
}

export function isCurrent() {
  try {
    return existsSync(path.join(DIST, 'index.html')) && readFileSync(STAMP, 'utf8').trim() === inputsHash();
  } catch {
    return false;
  }
}

/** Writes <file>.br and <file>.gz next to each compressible file (when that makes it smaller). */
function precompress(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      precompress(full);
      continue;
    }
    if (!/\.(js|css|svg|html)$/.test(name)) continue;
    const buf = readFileSync(full);
    const br = brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length } });
    const gz = gzipSync(buf, { level: 9 });
    if (br.length < buf.length) writeFileSync(`${full}.br`, br);
    if (gz.length < buf.length) writeFileSync(`${full}.gz`, gz);
  }
}

export function buildWeb({ force = false } = {}) {
  if (!force && isCurrent()) return { built: false };
  const hash = inputsHash();
  const vite = path.join(WEB, 'node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) throw new Error(`vite is not installed (${path.relative(ROOT, vite)}): run pnpm install`);
  rmSync(NEXT, { recursive: true, force: true });
  // NODE_ENV pinned: called from Vitest (the e2e files build before they start Ferry), vite
  // inherited NODE_ENV=test and bundled React's development build (+300 KB, slower rendering),
  // and that build then stood in dist/ for `npm start` too, its stamp being current.
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', NEXT, '--emptyOutDir', '--logLevel', 'warn'], { cwd: WEB, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}${r.stderr}`);
  precompress(NEXT);
  writeFileSync(path.join(NEXT, '.build-stamp'), `${hash}\n`);
  const old = `${DIST}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(NEXT, DIST);
  rmSync(old, { recursive: true, force: true });
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const t0 = performance.now();
  const { built } = buildWeb({ force: args.includes('--force') });
  if (!args.includes('--quiet')) console.log(`web dashboard ${built ? `built in ${((performance.now() - t0) / 1000).toFixed(1)}s` : 'current'}: apps/web/dist`);
}
