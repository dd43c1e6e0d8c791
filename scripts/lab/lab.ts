// The two-host lab from TypeScript (tests, benchmarks): bring it up and ask each host with virsh,
// the independent witness the migration tests cross-check Ferry against.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** Each host's directory ($FERRY_LAB_DIR/hostX: config, run, pid files). */
  dir: Record<LabHost, string>;
  /** It was up before this call: whoever brought it up should take it down. */
  wasUp: boolean;
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Idempotent: a lab that is up costs ~0.2 s. */
export function labUp(): LabEnv {
  const out = execFileSync('bash', [here('./two-hosts-up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 });
  const v = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const pick = (k: string): Record<LabHost, string> => ({ A: v[`${k}_A`]!, B: v[`${k}_B`]! });
  const images = pick('FERRY_LAB_IMAGES');
  const dir = { A: images.A.replace(/\/lib\/images$/, ''), B: images.B.replace(/\/lib\/images$/, '') };
  return { uri: pick('FERRY_LAB_URI'), p2p: pick('FERRY_LAB_P2P'), images, dir, shared: v.FERRY_LAB_SHARED!, wasUp: v.FERRY_LAB_WAS_UP === '1' };
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

/** The lab address of a host (its end of the veth pair). */
export const labAddress = (host: LabHost): string => (host === 'A' ? '10.99.0.1' : '10.99.0.2');
/** The root namespace's end of the link labRootLink makes (names in two-hosts-down.sh too). */
export const ROOT_LINK = { address: '10.99.0.254', dev: 'flvethR', peerDev: 'flvethRB' };

/**
 * Lets the root namespace (Ferry under test) reach a lab host over the network, as a real remote
 * host would be reached (qemu+ssh://): a second veth pair, point-to-point, 10.99.0.254 ⇄ the
 * host's own lab address. Idempotent; `created` says whether this call made it (then remove it).
 * The pair also vanishes with the host's namespace (two-hosts-down.sh).
 */
export function labRootLink(host: LabHost): { address: string; created: boolean; remove(): void } {
  const ns = `ferry-lab${host}`;
  const address = labAddress(host);
  const exists = spawnSync('ip', ['link', 'show', ROOT_LINK.dev], { stdio: 'ignore' }).status === 0;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 10_000 });
  if (!exists) {
    ip('link', 'add', ROOT_LINK.dev, 'type', 'veth', 'peer', 'name', ROOT_LINK.peerDev);
    ip('link', 'set', ROOT_LINK.peerDev, 'netns', ns);
    ip('-n', ns, 'addr', 'add', `${address}/32`, 'peer', `${ROOT_LINK.address}/32`, 'dev', ROOT_LINK.peerDev);
    ip('-n', ns, 'link', 'set', ROOT_LINK.peerDev, 'up');
    ip('addr', 'add', `${ROOT_LINK.address}/32`, 'peer', `${address}/32`, 'dev', ROOT_LINK.dev);
    ip('link', 'set', ROOT_LINK.dev, 'up');
  }
  return { address, created: !exists, remove: () => { spawnSync('ip', ['link', 'del', ROOT_LINK.dev], { stdio: 'ignore' }); } };
}

/**
 * The argv prefix that runs a command inside a lab host as its daemons see the machine: its
 * network, mount (its /run/libvirt, /etc/libvirt …) and UTS namespaces, entered through its
 * libvirtd's pid. (`ip netns exec` would give the network only, with the root's /run/libvirt.)
 */
export function labEnter(env: LabEnv, host: LabHost): string[] {
  const pid = readFileSync(`${env.dir[host]}/libvirtd.pid`, 'utf8').trim();
  if (!/^\d+$/.test(pid)) throw new Error(`no libvirtd pid for lab host ${host}`);
  return ['nsenter', '-t', pid, '-m', '-n', '-u', '--'];
}
