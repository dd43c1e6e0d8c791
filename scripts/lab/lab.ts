// The two-host lab from TypeScript (tests, benchmarks): bring it up and ask each host with virsh,
// the independent witness the migration tests cross-check Ferry against.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type LabHost = 'A' | 'B';
export interface LabEnv {
  /** Unix-socket URIs the root namespace (Ferry under test) uses. */
  uri: Record<LabHost, string>;
  /** tcp URIs between the hosts: each host's migration URI. */
  p2p: Record<LabHost, string>;
  /** Each host's /var/lib/libvirt/images as the root namespace sees it. */
  images: Record<LabHost, string>;
  /** The directory both hosts see at this same path (pool 'shared'). */
  shared: string;
  /** It was up before this call: whoever brought it up should take it down. */
  wasUp: boolean;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Idempotent: a lab that is up costs ~0.2 s. */
export function labUp(): LabEnv {
  const out = execFileSync('bash', [here('./two-hosts-up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 });
  const v = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const pick = (k: string): Record<LabHost, string> => ({ A: v[`${k}_A`]!, B: v[`${k}_B`]! });
  return { uri: pick('FERRY_LAB_URI'), p2p: pick('FERRY_LAB_P2P'), images: pick('FERRY_LAB_IMAGES'), shared: v.FERRY_LAB_SHARED!, wasUp: v.FERRY_LAB_WAS_UP === '1' };
}

export function labDown(): void {
  execFileSync('bash', [here('./two-hosts-down.sh')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
}

/** virsh on a lab host; throws with virsh's stderr when it fails. */
export function virsh(env: LabEnv, host: LabHost, ...args: string[]): string {
  const r = spawnSync('virsh', ['-q', '-c', env.uri[host], ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`virsh on ${host} ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Names of the domains on a host: running ones, or all with `all`. */
export const domainsOn = (env: LabEnv, host: LabHost, all = false): string[] =>
  virsh(env, host, 'list', '--name', ...(all ? ['--all'] : [])).split('\n').filter(Boolean);
