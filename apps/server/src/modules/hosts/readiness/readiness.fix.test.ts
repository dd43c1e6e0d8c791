// applySafeFixes: what `npm start` as root changes on a host, step by step, with a recording fake.
import { describe, expect, it } from 'vitest';
import { gatherReadinessFacts, type ReadinessFacts } from './readiness.facts.ts';
import { applySafeFixes, fixRefusal, type FixDeps, type ReadinessFixHypervisor } from './readiness.fix.ts';
import { fakeHypervisor, fakeProbes, SYSTEM, summary, type FakeHost, type FakeMachine } from '../../../test-support/readiness-fakes.ts';

function recordingFixer(fail: Partial<Record<keyof ReadinessFixHypervisor, string>> = {}) {
  const calls: string[] = [];
  const method = (name: keyof ReadinessFixHypervisor) => async (...args: unknown[]) => {
    calls.push(`${name}(${args.map((a) => (typeof a === 'string' && a.startsWith('<') ? 'xml' : String(a))).join(', ')})`);
    if (fail[name]) throw new Error(fail[name]);
    return { name: 'default', uuid: 'u', active: false, autostart: false };
  };
  const hv = {
    defineStoragePool: method('defineStoragePool'),
    buildStoragePool: method('buildStoragePool'),
    startStoragePool: method('startStoragePool'),
    setStoragePoolAutostart: method('setStoragePoolAutostart'),
    defineNetwork: method('defineNetwork'),
    startNetwork: method('startNetwork'),
    setNetworkAutostart: method('setNetworkAutostart'),
  } as unknown as ReadinessFixHypervisor;
  return { hv, calls };
}

function fixDeps(hv: ReadinessFixHypervisor, opts: { aptFails?: boolean } = {}) {
  const commands: string[] = [];
  const xmlRead: string[] = [];
  const deps: FixDeps = {
    hypervisor: hv,
    run: async (program, args, env) => {
      commands.push(`${env ? Object.entries(env).map(([k, v]) => `${k}=${v} `).join('') : ''}${program} ${args.join(' ')}`);
      return opts.aptFails && args.includes('install') ? { code: 100, output: 'E: Unable to locate package dnsmasq-base' } : { code: 0, output: '' };
    },
    readFile: async (path) => {
      xmlRead.push(path);
      return '<network><name>default</name></network>';
    },
    homeDir: '/home/ada',
  };
  return { deps, commands, xmlRead };
}

async function factsFor(opts: { host?: FakeHost; machine?: FakeMachine; uri?: string }): Promise<ReadinessFacts> {
  return gatherReadinessFacts(opts.uri ?? SYSTEM, async () => fakeHypervisor(opts.host), fakeProbes(opts.machine));
}

describe('applySafeFixes', () => {
  it('fresh Debian host: installs network tools, creates the pool, defines and starts the network', async () => {
    const facts = await factsFor({ host: { pools: [], networks: [] }, machine: { missingPackages: ['dnsmasq-base', 'iptables'] } });
    const { hv, calls } = recordingFixer();
    const { deps, commands, xmlRead } = fixDeps(hv);
    const actions = await applySafeFixes(facts, deps);
    expect(commands).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q',
      'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends dnsmasq-base iptables',
    ]);
    expect(xmlRead).toEqual(['/usr/share/libvirt/networks/default.xml']);
    expect(calls).toEqual([
      'defineStoragePool(xml)', 'buildStoragePool(default)', 'startStoragePool(default)', 'setStoragePoolAutostart(default, true)',
      'defineNetwork(xml)', 'startNetwork(default)', 'setNetworkAutostart(default, true)',
    ]);
    expect(actions.map((a) => `${a.ok ? 'ok' : 'FAILED'} ${a.checkId}: ${a.action}`)).toEqual([
      'ok packages.network-tools: apt-get update',
      'ok packages.network-tools: apt-get install -y --no-install-recommends dnsmasq-base iptables',
      'ok storage.default-pool: pool-define-as default dir --target /var/lib/libvirt/images',
      'ok storage.default-pool: pool-build default',
      'ok storage.default-pool: pool-start default',
      'ok storage.default-pool: pool-autostart default',
      'ok network.default: net-define /usr/share/libvirt/networks/default.xml',
      'ok network.default: net-start default',
      'ok network.default: net-autostart default',
    ]);
  });

  it('defines the pool with the right XML', async () => {
    const facts = await factsFor({ host: { pools: [] } });
    const xml: string[] = [];
    const { hv } = recordingFixer();
    const spy = { ...hv, defineStoragePool: async (x: string) => { xml.push(x); return summary('default', false, false); } };
    await applySafeFixes(facts, fixDeps(spy).deps);
    expect(xml).toEqual([`<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>`]);
  });

  it('this dev host: network defined but inactive, no pool → only libvirt-side fixes', async () => {
    const facts = await factsFor({ host: { pools: [], networks: [summary('default', false, false)] } });
    const { hv, calls } = recordingFixer();
    const { deps, commands } = fixDeps(hv);
    await applySafeFixes(facts, deps);
    expect(commands).toEqual([]);
    expect(calls).toEqual([
      'defineStoragePool(xml)', 'buildStoragePool(default)', 'startStoragePool(default)', 'setStoragePoolAutostart(default, true)',
      'startNetwork(default)', 'setNetworkAutostart(default, true)',
    ]);
  });

  it('an existing inactive pool is started, never built', async () => {
    const facts = await factsFor({ host: { pools: [summary('default', false, true)] } });
    const { hv, calls } = recordingFixer();
    await applySafeFixes(facts, fixDeps(hv).deps);
    expect(calls).toEqual(['startStoragePool(default)']);
  });

  it('apt-get failing: says so and does not try to start the network', async () => {
    const facts = await factsFor({ host: { networks: [summary('default', false, true)] }, machine: { missingPackages: ['dnsmasq-base'] } });
    const { hv, calls } = recordingFixer();
    const actions = await applySafeFixes(facts, fixDeps(hv, { aptFails: true }).deps);
    expect(calls).toEqual([]);
    expect(actions).toEqual([
      { checkId: 'packages.network-tools', action: 'apt-get update', ok: true },
      {
        checkId: 'packages.network-tools',
        action: 'apt-get install -y --no-install-recommends dnsmasq-base',
        ok: false,
        error: 'exit code 100: E: Unable to locate package dnsmasq-base',
      },
      { checkId: 'network.default', action: 'net-start default', ok: false, error: 'skipped: dnsmasq-base/iptables are not installed' },
    ]);
  });

  it('a libvirt error stops that chain and is reported', async () => {
    const facts = await factsFor({ host: { pools: [] } });
    const { hv, calls } = recordingFixer({ buildStoragePool: 'cannot create path: Read-only file system' });
    const actions = await applySafeFixes(facts, fixDeps(hv).deps);
    expect(calls).toEqual(['defineStoragePool(xml)', 'buildStoragePool(default)']);
    expect(actions.at(-1)).toEqual({ checkId: 'storage.default-pool', action: 'pool-build default', ok: false, error: 'cannot create path: Read-only file system' });
  });

  it('nothing to do on a ready host', async () => {
    const { hv, calls } = recordingFixer();
    expect(await applySafeFixes(await factsFor({}), fixDeps(hv).deps)).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('refuses to fix as a non-root local user, and says why', async () => {
    expect(fixRefusal(await factsFor({ machine: { root: false } }))).toBe(
      'not running as root: no fixes applied; run the fix commands above as root.',
    );
    expect(fixRefusal(await factsFor({}))).toBeNull();
  });
});
