// Types for bundle-state.mjs (plain JavaScript: launch.mjs reads it before tsx could load).
export interface ServerBundleManifest {
  version: 1;
  /** Entry name → bundle file name in dist/. */
  bundles: Record<string, string>;
  /** Every output file (entries and the chunks they import), relative to dist/. */
  files: string[];
  /** Repository-relative file → SHA-256 (hex) of its content at build time. */
  inputs: Record<string, string>;
}
export type ServerBundleState =
  | { state: 'fresh'; manifest: ServerBundleManifest; changed?: undefined }
  | { state: 'stale'; manifest: ServerBundleManifest | null; changed: string }
  | { state: 'absent'; manifest: null; changed?: undefined };
export const MANIFEST_VERSION: 1;
export const REPO_ROOT: string;
export const DEFAULT_DIST: string;
export function sha256(file: string): string;
export function serverBundleState(opts?: { distDir?: string; root?: string }): ServerBundleState;
