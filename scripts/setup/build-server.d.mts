// Types for build-server.mjs (plain JavaScript so that prepare.sh runs it with node alone).
import type { ServerBundleManifest } from '../../apps/server/bundle-state.mjs';
export const ENTRIES: Record<string, string>;
export function relativeSpecifier(fromDir: string, file: string): string;
export function ownImportMeta(source: string, file: string, outDir: string): string;
export function buildServer(opts?: { outDir?: string; force?: boolean; entries?: Record<string, string> }): Promise<{ manifest: ServerBundleManifest; built: boolean }>;
