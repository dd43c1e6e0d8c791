// Types for build-libvirt-workers.mjs (plain JavaScript so that prepare.sh runs it with node alone).
export interface BundleManifest {
  version: 1;
  bundles: Record<string, string>;
  inputs: Record<string, string>;
}
export function buildLibvirtWorkers(opts?: { outDir?: string }): Promise<{ manifest: BundleManifest; built: boolean }>;
