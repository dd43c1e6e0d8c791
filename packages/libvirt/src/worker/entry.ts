// Where a binding Worker's code comes from, and how the Worker is started.
//
// The package ships TypeScript, and Node 20 cannot run it: a Worker started on a .ts entry
// registers tsx on its own thread first (bootstrap.mjs). That costs each Worker ~30 MB of
// resident memory (tsx, its module-hooks thread, the transform of every file), and Ferry runs
// three. So setup (scripts/setup/build-libvirt-workers.mjs, run by prepare.sh) bundles each
// entry to one plain-JS file in dist/ (gitignored), with a manifest of the SHA-256 of every
// source file that went into it. A Worker uses its bundle only while every one of those files
// still hashes the same — an edited source falls back to the TypeScript, never to stale code —
// and loads the TypeScript through bootstrap.mjs otherwise (fresh checkouts, unit tests).
//
// Either way the Worker starts with no Node options of its own (`execArgv: []`) instead of
// inheriting the parent's: `--import tsx` would load tsx into every Worker a second time (the
// bundle needs none; bootstrap.mjs registers it itself). V8 flags are process-wide and still
// apply; Node refuses them in a Worker's execArgv, so the list cannot be filtered instead.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type WorkerName = 'call-worker' | 'event-worker';

/** What dist/manifest.json holds (written by the build script). */
export interface BundleManifest {
  version: 1;
  /** Entry name → bundle file name in dist/. */
  bundles: Record<string, string>;
  /** Source file (relative to the package root) → SHA-256 (hex) of its content at build time. */
  inputs: Record<string, string>;
}

export type BundleState = 'fresh' | 'stale' | 'absent';

const PACKAGE_ROOT = new URL('../../', import.meta.url);
const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/** Whether dist/ holds bundles built from exactly the sources now on disk. */
export function bundleState(root: URL = PACKAGE_ROOT): { state: BundleState; manifest: BundleManifest | null } {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/manifest.json', root), 'utf8')) as BundleManifest;
  } catch {
    return { state: 'absent', manifest: null };
  }
  if (manifest.version !== 1) return { state: 'stale', manifest };
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    let now: string;
    try {
      now = createHash('sha256').update(readFileSync(new URL(file, root))).digest('hex');
    } catch {
      return { state: 'stale', manifest };
    }
    if (now !== hash) return { state: 'stale', manifest };
  }
  return { state: 'fresh', manifest };
}

let checked: ReturnType<typeof bundleState> | null = null;

/** bundleState() of this package, checked once per process (Workers respawn; sources do not move under a running server). */
export function workerBundleState(): BundleState {
  checked ??= bundleState();
  return checked.state;
}

/** The file, workerData and execArgv to start the named Worker with. */
export function workerStart(name: WorkerName, workerData: Record<string, unknown> = {}): { file: URL; workerData: Record<string, unknown>; execArgv: string[] } {
  checked ??= bundleState();
  const bundle = checked.state === 'fresh' ? checked.manifest!.bundles[name] : undefined;
  if (bundle) return { file: new URL(`dist/${bundle}`, PACKAGE_ROOT), workerData, execArgv: [] };
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  return { file: BOOTSTRAP, workerData: { ...workerData, entry }, execArgv: [] };
}
