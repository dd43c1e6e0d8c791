// Whether apps/server/dist/ holds a server bundle built from exactly the files now on disk.
// Plain JavaScript: launch.mjs reads it before anything can load TypeScript, and the build
// script (scripts/setup/build-server.mjs) writes the manifest it checks.
//
// dist/manifest.json lists the bundle's entries, every file it is made of (entries and the
// chunks they import) and the SHA-256 of every file that went into
// it (repository-relative paths): every source file esbuild bundled, and pnpm-lock.yaml, since
// the bundle imports its dependencies by their place in node_modules/.pnpm.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MANIFEST_VERSION = 1;
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DIST = path.join(REPO_ROOT, 'apps/server/dist');

export const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * { state: 'fresh' | 'stale' | 'absent', manifest, changed? }: fresh only when every input
 * still hashes the same and every bundle file exists; `changed` names the first input that
 * differs (for the log line).
 */
export function serverBundleState({ distDir = DEFAULT_DIST, root = REPO_ROOT } = {}) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(distDir, 'manifest.json'), 'utf8'));
  } catch {
    return { state: 'absent', manifest: null };
  }
  if (manifest?.version !== MANIFEST_VERSION || typeof manifest.inputs !== 'object' || typeof manifest.bundles !== 'object') {
    return { state: 'stale', manifest: null, changed: 'manifest.json (other format)' };
  }
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    let now;
    try {
      now = sha256(path.join(root, file));
    } catch {
      return { state: 'stale', manifest, changed: file };
    }
    if (now !== hash) return { state: 'stale', manifest, changed: file };
  }
  for (const file of new Set([...Object.values(manifest.bundles), ...(Array.isArray(manifest.files) ? manifest.files : [])])) {
    if (!existsSync(path.join(distDir, file))) return { state: 'stale', manifest, changed: `dist/${file} (missing)` };
  }
  return { state: 'fresh', manifest };
}
