#!/usr/bin/env node
// Bundles Ferry's server (apps/server/src/main.ts and the workspace packages it imports:
// @ferry/contract, @ferry/domain-xml, @ferry/libvirt) to one plain-JavaScript file,
// apps/server/dist/main.mjs (gitignored), which `npm start` runs with plain `node` through
// apps/server/launch.mjs. Without it Node 20 needs tsx to run the TypeScript: its loader
// thread, its transform cache and the source maps it keeps cost idle Ferry ~15–20 MB of resident
// memory (scripts/bench/server-requests). prepare.sh runs this; it takes ~0.3 s and rewrites
// nothing when the bundle is current (launch.mjs falls back to the TypeScript when it is not).
// buildServer({ entries, outDir }) bundles a script of another entry the same way, so that a
// benchmark's server (scripts/bench/metrics/server.ts) runs as `npm start` runs Ferry.
//
//   node scripts/setup/build-server.mjs [--out <dir>] [--quiet]
//
// What stays out of the bundle, and why:
// - every package from node_modules (Fastify, pino, better-sqlite3, koffi…) but zod and its
//   Fastify type provider (BUNDLED_PACKAGES, for memory): they are JavaScript already; native
//   addons and packages that read files next to their own code (@fastify/swagger-ui's static/,
//   better-sqlite3's build/) must stay where they are. Each is imported by a path relative to
//   the bundle that names the file esbuild resolved
//   (../../../node_modules/.pnpm/<pkg>@<version>/…), so the bundle loads exactly the versions the
//   sources did, including packages that only a workspace package depends on (koffi).
// - Node's built-in modules.
// Source files that use import.meta.url / import.meta.dirname (the web root, the libvirt Worker
// entries) get their own file's values, computed relative to the bundle, so paths they build
// point where they did from source.
//
// dist/manifest.json lists the entries, every output file and the SHA-256 of every input (see bundle-state.mjs); it
// is written last, so a reader never pairs a new manifest with an old bundle.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DIST, MANIFEST_VERSION, REPO_ROOT, serverBundleState, sha256 } from '../../apps/server/bundle-state.mjs';

export const ENTRIES = { main: 'apps/server/src/main.ts' };
/**
 * Packages bundled all the same. V8 keeps the source text of every module it loaded: zod's
 * ~100 files (60 of them locales, several held two bytes per character) are 1.5 MB of it, 0.7 MB
 * once bundled without whitespace; idle heap -1 MB, RSS -2 MB (scripts/bench/server-requests).
 * Its type provider comes along so that the process holds one zod: the schemas' ids live in
 * zod's global registry, which the OpenAPI document reads through the provider.
 */
const BUNDLED_PACKAGES = ['zod', 'fastify-type-provider-zod'];
const isBundledPackage = (spec) => BUNDLED_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
/** Not bundled, but the bundle depends on them: where each external import points, and how it is built. */
const EXTRA_INPUTS = ['pnpm-lock.yaml', 'scripts/setup/build-server.mjs'];

const BUILTIN = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || BUILTIN.has(spec) || BUILTIN.has(spec.split('/')[0]);
const toPosix = (p) => p.split(path.sep).join('/');

/** A relative import specifier from the bundle's directory to `file`. */
export function relativeSpecifier(fromDir, file) {
  const rel = toPosix(path.relative(fromDir, file));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Every node_modules import becomes external, pointed at the file esbuild resolved for it. */
function externalDependencies(outDir) {
  return {
    name: 'external-dependencies',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.resolving) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
        if (r.errors.length) return { errors: r.errors };
        if (!r.path.split(path.sep).includes('node_modules') || isBundledPackage(args.path)) return { path: r.path };
        return { path: relativeSpecifier(outDir, r.path), external: true };
      });
    },
  };
}

/**
 * Source text with `import.meta.url`, `.dirname` and `.filename` replaced by the values the
 * file would have had run from source, computed at run time from the bundle's own URL.
 */
export function ownImportMeta(source, file, outDir) {
  if (!/import\.meta\.(?:url|dirname|filename)\b/.test(source)) return source;
  const rel = JSON.stringify(relativeSpecifier(outDir, file));
  const prelude =
    `import { fileURLToPath as __ownFileURLToPath } from 'node:url';\n` +
    `import { dirname as __ownDirname } from 'node:path';\n` +
    `const __ownUrl = new URL(${rel}, import.meta.url).href;\n` +
    `const __ownFilename = __ownFileURLToPath(__ownUrl);\n` +
    `const __ownDirnameValue = __ownDirname(__ownFilename);\n`;
  const body = source
    .replace(/import\.meta\.url\b/g, '__ownUrl')
    .replace(/import\.meta\.dirname\b/g, '__ownDirnameValue')
    .replace(/import\.meta\.filename\b/g, '__ownFilename');
  return prelude + body;
}

function sourcesKeepTheirImportMeta(outDir) {
  return {
    name: 'own-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.split(path.sep).includes('node_modules')) return undefined;
        return { contents: ownImportMeta(readFileSync(args.path, 'utf8'), args.path, outDir), loader: 'ts' };
      });
    },
  };
}

/** Whether `manifest` was built from exactly these entries: a current bundle of other entries in the same outDir is not this one. */
function builtFrom(manifest, entries) {
  const names = Object.keys(entries).sort();
  return JSON.stringify(Object.keys(manifest.bundles).sort()) === JSON.stringify(names)
    && names.every((name) => manifest.bundles[name] === `${name}.mjs` && entries[name] in manifest.inputs);
}

/**
 * Builds `entries` (name → repository-relative source; default ENTRIES, Ferry's server) into
 * `outDir` (default apps/server/dist); returns the manifest and whether anything was written.
 * Other entries serve benchmarks that run their own script around Ferry's code the way `npm
 * start` runs main.ts (scripts/bench/metrics/server.ts).
 */
export async function buildServer({ outDir = DEFAULT_DIST, force = false, entries = ENTRIES } = {}) {
  if (!force) {
    const current = serverBundleState({ distDir: outDir });
    if (current.state === 'fresh' && builtFrom(current.manifest, entries)) return { manifest: current.manifest, built: false };
  }
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(REPO_ROOT, file)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // main.ts holds the young generation small, then imports start.ts (lib/startup-heap.ts); in
    // one file, esbuild would hoist every package import of the graph above that first line. A
    // dynamic import becomes a chunk of its own, whose imports run only when it is imported (the
    // OpenAPI docs app, plugins/openapi-docs.ts, loads only on the first docs request). Code two
    // chunks share goes in chunks esbuild names all 'chunk': the hash tells them apart.
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // V8 keeps every module's source text for as long as the process runs. Without whitespace
    // and comments the bundle's is a third of the size, and pure ASCII: a single non-ASCII
    // character in a comment ('…', '—') made V8 hold all of it two bytes per character (1.3 MB
    // instead of ~0.4). Names stay (stack traces, profiles); the source map maps lines back.
    minifyWhitespace: true,
    charset: 'ascii',
    sourcemap: 'linked',
    plugins: [externalDependencies(outDir), sourcesKeepTheirImportMeta(outDir)],
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = {};
  // Files of BUNDLED_PACKAGES are not hashed: the lockfile stands for them, as for every package.
  const ownInputs = Object.keys(result.metafile.inputs).filter((f) => !f.split(/[\\/]/).includes('node_modules'));
  const sources = [...ownInputs.map((f) => toPosix(path.relative(REPO_ROOT, path.resolve(REPO_ROOT, f)))), ...EXTRA_INPUTS];
  for (const file of [...new Set(sources)].sort()) inputs[file] = sha256(path.join(REPO_ROOT, file));
  // Entries, and every file they import (chunks): all must be there for the bundle to run.
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs')).map((f) => toPosix(path.relative(outDir, path.resolve(REPO_ROOT, f)))).sort();
  const manifest = { version: MANIFEST_VERSION, bundles: Object.fromEntries(Object.keys(entries).map((e) => [e, `${e}.mjs`])), files, inputs };
  mkdirSync(outDir, { recursive: true });
  const manifestFile = path.join(outDir, 'manifest.json');
  writeFileSync(`${manifestFile}.part`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestFile}.part`, manifestFile);
  // Chunks of earlier builds (their names hash their contents) would pile up with every edit.
  for (const f of readdirSync(outDir)) {
    const js = f.endsWith('.mjs.map') ? f.slice(0, -'.map'.length) : f;
    if (js.endsWith('.mjs') && !files.includes(js)) rmSync(path.join(outDir, f));
  }
  return { manifest, built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined;
  const { built } = await buildServer({ ...(out ? { outDir: out } : {}), force: args.includes('--force') });
  if (!args.includes('--quiet')) console.log(`server bundle ${built ? 'built' : 'current'}: ${path.relative(process.cwd(), out ?? DEFAULT_DIST) || '.'}`);
}
