// Host readiness, step 3 of 3: apply the fixes that are safe to apply unattended, and say what
// was done. Safe means additive and expected on a fresh host: installing missing Debian packages,
// defining/starting/autostarting the default storage pool and NAT network. Never: loading or
// unloading kernel modules, touching firmware, building (possibly formatting) an existing pool,
// redefining anything that exists, or starting daemons (scripts/setup/prepare.sh owns that).
//
// Who may fix: locally, only root (fixRefusal); for a remote URI only the libvirt-side fixes run,
// with whatever rights that connection has, and nothing is installed on this machine.
//
// Order matters: packages first (the NAT network cannot start without dnsmasq and iptables),
// then the pool, then the network. A failed step is recorded and the independent ones still run.
import { escapeXml } from '@ferry/domain-xml';
import {
  DEFAULT_NETWORK_NAME,
  DEFAULT_NETWORK_XML,
  DEFAULT_POOL_NAME,
  defaultPoolPath,
  errorMessage,
  NETWORK_TOOL_PACKAGES,
  READINESS_PACKAGES,
  type ObjectSummary,
  type ReadinessFacts,
} from './readiness.facts.ts';

/** The libvirt calls fixes make; @ferry/libvirt's Connection satisfies it. */
export interface ReadinessFixHypervisor {
  defineStoragePool(xml: string): Promise<ObjectSummary>;
  buildStoragePool(name: string): Promise<void>;
  startStoragePool(name: string): Promise<void>;
  setStoragePoolAutostart(name: string, on: boolean): Promise<void>;
  defineNetwork(xml: string): Promise<ObjectSummary>;
  startNetwork(name: string): Promise<void>;
  setNetworkAutostart(name: string, on: boolean): Promise<void>;
}

export interface CommandResult {
  code: number;
  output: string;
}

export interface FixDeps {
  /** null when libvirt is unreachable. */
  hypervisor: ReadinessFixHypervisor | null;
  /** Runs a program (no shell) and resolves with its exit code and combined output. */
  run(program: string, args: readonly string[], env?: Record<string, string>): Promise<CommandResult>;
  readFile(path: string): Promise<string>;
  /** For a qemu:///session pool under the user's home. */
  homeDir: string;
}

export interface FixAction {
  /** The check this action repairs. */
  checkId: string;
  /** What was done, as a command a person would recognise. */
  action: string;
  ok: boolean;
  error?: string;
}

/** Whether fixes may run at all, and if not, why (shown to the user). */
export function fixRefusal(facts: ReadinessFacts): string | null {
  if (facts.local && !facts.local.isRoot) {
    return 'not running as root: no fixes applied; run the fix commands above as root.';
  }
  return null;
}

export async function applySafeFixes(facts: ReadinessFacts, deps: FixDeps): Promise<FixAction[]> {
  const actions: FixAction[] = [];
  const step = async (checkId: string, action: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      actions.push({ checkId, action, ok: true });
      return true;
    } catch (error) {
      actions.push({ checkId, action, ok: false, error: errorMessage(error) });
      return false;
    }
  };

  // 1. Debian packages (local root only: apt-get on this machine says nothing about a remote host).
  const missing = facts.local?.isRoot ? (facts.local.missingPackages ?? []).filter((p) => READINESS_PACKAGES.includes(p as never)) : [];
  let toolsMissing = (facts.local?.missingPackages ?? []).some((p) => (NETWORK_TOOL_PACKAGES as readonly string[]).includes(p));
  if (missing.length > 0) {
    const checkId = missing.every((p) => (NETWORK_TOOL_PACKAGES as readonly string[]).includes(p)) ? 'packages.network-tools' : 'libvirt.reachable';
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const lock = ['-o', 'DPkg::Lock::Timeout=300'];
    const updated = await step(checkId, 'apt-get update', () => mustSucceed(deps.run('apt-get', [...lock, 'update', '-q'], env)));
    const installed = updated && await step(checkId, `apt-get install -y --no-install-recommends ${missing.join(' ')}`, () =>
      mustSucceed(deps.run('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...missing], env)));
    if (installed) toolsMissing = false;
  }

  const hv = deps.hypervisor;
  if (!hv || !facts.libvirt.reachable) return actions;
  const lv = facts.libvirt;

  // 2. The default storage pool.
  if (lv.pools.ok) {
    const name = DEFAULT_POOL_NAME;
    const id = 'storage.default-pool';
    const pool = lv.pools.value.find((p) => p.name === name);
    if (!pool) {
      const path = defaultPoolPath(facts).replace('$HOME', deps.homeDir);
      const xml = `<pool type='dir'><name>${name}</name><target><path>${escapeXml(path)}</path></target></pool>`;
      // A freshly defined dir pool: build only creates its directory. Each step needs the last.
      const chain: Array<[string, () => Promise<unknown>]> = [
        [`pool-define-as ${name} dir --target ${path}`, () => hv.defineStoragePool(xml)],
        [`pool-build ${name}`, () => hv.buildStoragePool(name)],
        [`pool-start ${name}`, () => hv.startStoragePool(name)],
        [`pool-autostart ${name}`, () => hv.setStoragePoolAutostart(name, true)],
      ];
      for (const [action, fn] of chain) {
        if (!(await step(id, action, async () => { await fn(); }))) break;
      }
    } else {
      const started = pool.active || (await step(id, `pool-start ${name}`, () => hv.startStoragePool(name)));
      if (started && !pool.autostart) await step(id, `pool-autostart ${name}`, () => hv.setStoragePoolAutostart(name, true));
    }
  }

  // 3. The default NAT network.
  if (lv.networks.ok) {
    const name = DEFAULT_NETWORK_NAME;
    const id = 'network.default';
    let net = lv.networks.value.find((n) => n.name === name);
    if (!net) {
      const file = facts.local?.defaultNetworkXmlFile;
      const defined = await step(id, `net-define ${file ?? '(libvirt\'s standard NAT network XML)'}`, async () => {
        const xml = file ? await deps.readFile(file) : DEFAULT_NETWORK_XML;
        await hv.defineNetwork(xml);
      });
      if (defined) net = { name, uuid: '', active: false, autostart: false };
    }
    if (net && !net.active) {
      if (toolsMissing) {
        actions.push({ checkId: id, action: `net-start ${name}`, ok: false, error: 'skipped: dnsmasq-base/iptables are not installed' });
      } else {
        const started = await step(id, `net-start ${name}`, () => hv.startNetwork(name));
        if (started) net = { ...net, active: true };
      }
    }
    if (net?.active && !net.autostart) await step(id, `net-autostart ${name}`, () => hv.setNetworkAutostart(name, true));
  }
  return actions;
}

async function mustSucceed(result: Promise<CommandResult>): Promise<void> {
  const { code, output } = await result;
  if (code !== 0) {
    const tail = output.trim().split('\n').slice(-5).join('\n');
    throw new Error(`exit code ${code}${tail ? `: ${tail}` : ''}`);
  }
}
